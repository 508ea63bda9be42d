import type { FrameCodec, MessageLogger } from '@smart-message/nestjs';

/** Options both NATS transports share; every one has a default. */
export interface NatsCommonOptions {
  /**
   * `nats://[user:password@]host:port`, or several servers separated by commas (default
   * `nats://127.0.0.1:4222`). Credentials in the first URL are used for every server.
   */
  url?: string;
  /**
   * The first token of every subject (default `sm`, so a class travels on `sm.<class>`); its
   * upper-case form starts every stream name. Letters, digits, `_` and `-`.
   */
  prefix?: string;
  /** How long `start()` tries to connect before failing with `NatsConnectionError` (default 5000 ms). */
  connectTimeoutMs?: number;
  /**
   * How long a publish waits for the connection (and, on JetStream, for the stream's
   * acknowledgement, retried) before `NatsUnavailableError` (default 10000 ms).
   */
  publishTimeoutMs?: number;
  /** Publishes that may wait for a reconnect at once; one more fails with `NatsPublishBufferFullError` (default 10000). */
  maxBufferedPublishes?: number;
  /** Largest frame published or accepted, in bytes (default 1 MiB, the server's default `max_payload`). */
  maxFrameBytes?: number;
  /**
   * Reconnecting after a lost connection: `waitMs` between attempts to one server (default 250,
   * jittered by the client) and `maxAttempts` per server (default −1: forever; the client's own
   * default of 10 would give up after about 20 s and leave the transport dead).
   */
  reconnect?: { waitMs?: number; maxAttempts?: number };
  /** The client name the server shows (`nats server report connections`, `/connz`; default `smart-message`). */
  connectionName?: string;
  codec?: FrameCodec;
  logger?: MessageLogger;
}

/** Options of `NatsJetStreamTransport`; every one has a default. */
export interface NatsJetStreamTransportOptions extends NatsCommonOptions {
  /**
   * Deliveries of one message before it is poison (default 5): the last failed one is copied
   * to the dead letter stream with the reason and terminated. The consumer's `max_deliver` is
   * one more, so a message whose last delivery was lost (a crash, `ack_wait` expired) still
   * reaches the dead letter stream instead of staying in the stream unacknowledged.
   */
  maxDeliveries?: number;
  /** The consumer's `ack_wait`: how long a delivery may stay unacknowledged before the server redelivers it (default 30000 ms). */
  ackWaitMs?: number;
  /**
   * The consumer's `max_ack_pending` for subscriptions with concurrency above 1: messages out
   * and unacknowledged across all instances of a service (default 1000). Keep it at least
   * instances × concurrency. Concurrency 1 always uses 1, so order holds across instances.
   */
  maxAckPending?: number;
  /** Where a new durable consumer starts: `new` (messages published from now, default) or `all` (what the stream holds). */
  startFrom?: 'new' | 'all';
  /**
   * What a subscription does when its durable consumer exists with other settings (another
   * instance runs other options): `fail` (default) refuses to subscribe with
   * `NatsConsumerDriftError`; `warn` logs both values and uses the consumer as it is; `update`
   * applies this instance's settings to it.
   */
  onConsumerDrift?: 'fail' | 'warn' | 'update';
  /** The wait before a failed message comes again (`nak` delay): `baseMs` doubling per delivery to `maxMs` (default 200 → 10000 ms). */
  redelivery?: { baseMs?: number; maxMs?: number };
  /** Limits of the streams this transport creates (LimitsPolicy: the oldest messages go first). */
  stream?: {
    /** `max_age` (default 0: no age limit). */
    maxAgeMs?: number;
    /** `max_msgs` (default −1: no count limit). */
    maxMessages?: number;
    /** `max_bytes` (default −1: no size limit). */
    maxBytes?: number;
    /** `num_replicas` (default 1; 3 on a cluster for a stream that survives a server loss). */
    replicas?: number;
    /** `duplicate_window`: how long a publish retried with the same id is dropped as a duplicate (default 120000 ms). */
    duplicateWindowMs?: number;
  };
  /**
   * How long one pull request of a subscription lasts (default 30000 ms); the server sends an
   * idle heartbeat every half of it, and two missed heartbeats make the subscription start its
   * pull again.
   */
  pullExpiresMs?: number;
}

/** Options of `NatsTransport` (core NATS, at-most-once); every one has a default. */
export interface NatsTransportOptions extends NatsCommonOptions {
  /**
   * Messages received but not yet handled, per subscription. Beyond it, messages are set aside
   * as `overflow` instead of growing memory without bound (default 10000).
   */
  maxQueuedDeliveries?: number;
}
