import { MessageType } from './message-type.interface';

/** Addressing for one message, over the class defaults. */
export interface PublishOptions {
  from?: string;
  /** A recipient, or `null` to broadcast a type whose class names a default `to`. */
  to?: string | null;
  replyTo?: string;
  correlationId?: string;
  causationId?: string;
  /**
   * Publish as this older version, for consumers not yet upgraded: the message is validated as
   * its class's version, then the class's `downcast` chain writes the older payload. Absent: the
   * class's version.
   */
  version?: number;
  /**
   * Your own open database transaction: the message is written through it and sent only if it
   * commits. A `pg` client after `BEGIN`, or your ORM's transaction object (see
   * `@smart-message/postgres`'s adapters). On a transport that writes inside it (PostgreSQL) the
   * delivery rows are the outbox; on any other, the bus's `outbox` holds it for its relay. A
   * pool, or a client outside a transaction, is refused.
   */
  transaction?: object;
  /** Deliver no earlier than this many ms from now. Not with `notBefore`. Needs a transport that delays (PostgreSQL). */
  delayMs?: number;
  /** Deliver no earlier than this time. Not with `delayMs`. */
  notBefore?: Date;
  /** Among deliveries due at once, higher runs first (a 32-bit integer, default 0). Needs a transport with priorities. */
  priority?: number;
  /**
   * Deliveries with this key never run ahead of an older one with the same key, in each
   * subscribing service (e.g. an order id: its events are handled in publish order, other orders'
   * in parallel). Needs a transport that orders by key. Absent: unordered, the default.
   */
  orderingKey?: string;
}

export interface RequestOptions<R extends object> extends PublishOptions {
  /** The message type the responder returns; the promise resolves to an instance of it. */
  replyType: MessageType<R>;
  /** Rejects with `RequestTimeoutError` after this long (default 5000). */
  timeoutMs?: number;
  /**
   * Entities whose replies this request accepts (a reply's `from`). Default: the request's `to`
   * (the option or the class default); without one, the reply class's declared `from`; with
   * neither, any sender (warned once per reply type). Other replies are refused and reported
   * as undeliverable (`unexpected-reply`). `from` is not authenticated: this stops replies from
   * entities that name themselves truthfully, not a sender that forges its name.
   */
  replyFrom?: string | readonly string[];
}
