import { Envelope } from '../interfaces/envelope.interface';
import type { TransportCapabilities, TransportPublishOptions } from './transport-publish-options.interface';
import type { QueueBacklog } from './transport-backlog.interface';

/**
 * Called by a transport for each delivered envelope; the returned promise settles when handling
 * ended. It rejects when a handler failed and the message should be delivered again: durable
 * transports then leave it pending, at-most-once transports just go on.
 */
export type EnvelopeHandler = (envelope: Envelope, delivery: DeliveryInfo) => Promise<void>;

/** Why a transport could not hand a received frame to the subscription. */
export type FrameRejectionReason = 'undecodable' | 'poison' | 'trimmed' | 'overflow' | 'shutdown' | 'misrouted';

/** A frame the transport set aside instead of delivering (or delivering again). */
export interface FrameRejection {
  reason: FrameRejectionReason;
  /** The decoded envelope, when the frame could be decoded. */
  envelope?: Envelope;
  /** The raw frame, when it could not. */
  frame?: string | Uint8Array;
  /** Deliveries so far (durable transports). */
  attempt: number;
  error: Error;
}

export interface DeliveryInfo {
  /** 1 on first delivery; durable transports count redeliveries. */
  attempt: number;
  /**
   * The transport delivers the message again when the handler promise rejects (durable
   * transports). Without it, a failure is final and goes to the dead letter queue.
   */
  redelivers?: boolean;
}

export interface TransportSubscribeOptions {
  /** At most this many `handler` calls of this subscription are in flight at once. */
  concurrency: number;
  /** The subscribing service (the module's `entity`); durable transports name consumer groups after it. */
  group: string;
  /** Told about every frame the transport set aside rather than delivered. */
  onReject?: (rejection: FrameRejection) => void;
}

export interface TransportSubscription {
  /** Stops deliveries; resolves once in-flight deliveries of this subscription have ended. */
  unsubscribe(): Promise<void>;
  /**
   * At a shutdown that ran out of time: give up on deliveries that have not started. A
   * transport that keeps no other copy of them reports each through `onReject` as `shutdown`;
   * a durable one leaves them with the broker. Returns how many were given up.
   */
  abandon?(): number;
}

/** A transport's answer to a health check. */
export interface TransportHealth {
  up: boolean;
  /** What was checked, with why it is down; `warnings` lists risks that do not make it down. */
  details: Record<string, unknown>;
}

/** Limits a durable transport checks its consumers' backlog against. */
export interface TransportHealthLimits {
  /** Most entries a consumer group may have not yet read (Redis Streams: XINFO GROUPS lag). */
  maxLag?: number;
  /** Most entries a consumer group may have read and not yet acknowledged. */
  maxPending?: number;
  /**
   * Most time, in ms, the oldest entry a consumer group could be handling may have waited since
   * it became due (PostgreSQL: `QueueBacklog.oldestDueAgeMs`). Catches a group that is stuck
   * with a small backlog, which `maxLag` does not.
   */
  maxOldestDueAgeMs?: number;
}

/**
 * The contract every transport implements and `@smart-message/testing`'s conformance suite checks:
 * deliver every envelope published for a message class to every subscription of that class,
 * within each subscription's concurrency, in publish order when concurrency is 1.
 */
export interface Transport {
  /** Short kind, e.g. `memory`, `redis-pubsub`. */
  readonly kind: string;
  /**
   * The delivery options this transport honours (`transaction`, `notBefore`, `priority`,
   * `orderingKey`). The bus passes `publish` only those, and refuses a publish asking for
   * another. Absent: none.
   */
  readonly supports?: TransportCapabilities;
  /** Resolves once the broker took the envelope. `options` holds only what `supports` declares, and is often absent. */
  publish(envelope: Envelope, options?: TransportPublishOptions): Promise<void>;
  /**
   * Optional: takes many envelopes in one call (one statement, one round trip), in order, with
   * the same options; resolves once the broker took all of them. `bus.publishAll` uses it where
   * it exists and publishes one by one, in order, where it does not.
   */
  publishBatch?(envelopes: readonly Envelope[], options?: TransportPublishOptions): Promise<void>;
  subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription>;
  /**
   * Connects to the broker; the bus awaits it at start, before any subscription, so a broker that
   * cannot be reached fails startup with the transport's own error and a health check right after
   * start sees a live connection. Optional: transports without a connection have nothing to open.
   */
  start?(): Promise<void>;
  /** Stops taking envelopes, waits for in-flight deliveries, then releases connections. */
  close(): Promise<void>;
  /**
   * Called once by each bus given this transport, before anything is published: the MIME type
   * of each serializer by name, so frames label payloads with their serializer's own content type
   * (CloudEvents `datacontenttype`). Given a chain (`msgpack+deflate`) it answers for its payload
   * serializer, whose type a chained payload keeps. Optional: transports that write no frames ignore it.
   */
  useContentTypes?(contentTypeOf: (serializer: string) => string | undefined): void;
  /**
   * A real round trip to the broker, answered within `timeoutMs`, plus whether every
   * subscription is still receiving. Optional: health checks report transports without it as up.
   */
  health?(timeoutMs: number, limits?: TransportHealthLimits): Promise<TransportHealth>;
  /**
   * The waiting work of every consumer group and message type the broker holds (all services,
   * not only this one's), answered within `timeoutMs` or rejected, in one cheap query: for queue
   * depth metrics collected at scrape time. Optional: transports without a queue to count leave it out.
   */
  backlog?(timeoutMs: number): Promise<QueueBacklog[]>;
  /**
   * The broker's name for where a message type travels (channel, stream, subject, queue), e.g.
   * `smart-message:OrderPlaced`: the `address` of its channel in the AsyncAPI document. Optional:
   * without it the document names the channel after the message type.
   */
  addressOf?(messageClass: string): string;
}
