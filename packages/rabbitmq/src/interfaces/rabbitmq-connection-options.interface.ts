import type { FrameCodec, MessageLogger } from '@smart-message/nestjs';

/** Options both RabbitMQ transports take: where to connect, how to publish, how to recover. */
export interface RabbitMqConnectionOptions {
  /** `amqp://user:password@host:port/vhost` (default `amqp://guest:guest@127.0.0.1:5672`). */
  url?: string;
  /**
   * Name of the durable topic exchange every message is published to, and the first part of
   * every queue name (default `smart-message`). Letters, digits, `.`, `_` and `-`.
   */
  prefix?: string;
  /** How long `start()` tries to connect before failing with `RabbitMqConnectionError`, and the bound on each reconnect attempt (default 5000 ms). */
  connectTimeoutMs?: number;
  /** How long a publish waits for the connection and its confirm before `RabbitMqUnavailableError` (default 10000 ms). */
  publishTimeoutMs?: number;
  /** Publishes that may wait for a reconnect at once; one more fails with `RabbitMqPublishBufferFullError` (default 10000). */
  maxBufferedPublishes?: number;
  /** Largest frame published or accepted, in bytes (default 1 MiB; keep it below the broker's `max_message_size`). */
  maxFrameBytes?: number;
  /** Reconnect backoff: `baseMs` doubling to `maxMs`, jittered (default 50 → 1000 ms). */
  reconnect?: { baseMs?: number; maxMs?: number };
  /** Shown by `rabbitmqctl list_connections client_properties` (default `smart-message`); `:publisher` / `:consumer` are appended. */
  connectionName?: string;
  codec?: FrameCodec;
  logger?: MessageLogger;
}
