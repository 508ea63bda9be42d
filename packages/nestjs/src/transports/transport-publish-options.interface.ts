/**
 * What a publish asks of its transport beyond the envelope. The bus passes an option only to a
 * transport whose `supports` declares it, and refuses the publish otherwise
 * (`UnsupportedPublishOptionError`), so a transport never has to ignore one silently.
 */
export interface TransportPublishOptions {
  /**
   * The caller's own open database transaction (a `pg` client after `BEGIN`, or an ORM's
   * transaction object): the envelope is written through it, and travels only if it commits.
   */
  transaction?: object;
  /** Deliver no earlier than this time. */
  notBefore?: Date;
  /** Among deliveries due at the same time, higher runs first. Default 0. */
  priority?: number;
  /** Deliveries with the same key never run ahead of an older one with that key. */
  orderingKey?: string;
}

/** A delivery option of `TransportPublishOptions`. */
export type TransportPublishCapability = keyof TransportPublishOptions;

/** Which `TransportPublishOptions` a transport honours. Absent or false: the bus refuses publishes that ask for it. */
export type TransportCapabilities = Partial<Record<TransportPublishCapability, boolean>>;
