import { Envelope } from './envelope.interface';

/** Called by a transport for each delivered envelope; the returned promise settles when handling ended. */
export type EnvelopeHandler = (envelope: Envelope, delivery: DeliveryInfo) => Promise<void>;

export interface DeliveryInfo {
  /** 1 on first delivery; durable transports count redeliveries. */
  attempt: number;
}

export interface TransportSubscribeOptions {
  /** At most this many `handler` calls of this subscription are in flight at once. */
  concurrency: number;
  /** The subscribing service (the module's `entity`); durable transports name consumer groups after it. */
  group: string;
}

export interface TransportSubscription {
  /** Stops deliveries; resolves once in-flight deliveries of this subscription have ended. */
  unsubscribe(): Promise<void>;
}

/**
 * The contract every transport implements and `@smart-message/testing`'s conformance suite checks:
 * deliver every envelope published for a message class to every subscription of that class,
 * within each subscription's concurrency, in publish order when concurrency is 1.
 */
export interface Transport {
  /** Short kind, e.g. `memory`, `redis-pubsub`. */
  readonly kind: string;
  publish(envelope: Envelope): Promise<void>;
  subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription>;
  /** Stops taking envelopes, waits for in-flight deliveries, then releases connections. */
  close(): Promise<void>;
}
