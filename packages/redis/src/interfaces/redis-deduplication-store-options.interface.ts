import type { MessageLogger } from '@smart-message/nestjs';
import type { RedisStoreConnectionOptions } from './redis-connection-options.interface';

/** Where Redis is (`url`, or a shared `client`, and `redisOptions`), and how long uuids and marks are kept. */
export interface RedisDeduplicationStoreOptions extends RedisStoreConnectionOptions {
  /**
   * Start of every key (default `smart-message:dedup:`). Handler ids are unique within a service,
   * not across services: services that share a Redis need prefixes of their own.
   */
  prefix?: string;
  /** How long a processed uuid is remembered, in seconds (default 3600, as the original). */
  ttlSeconds?: number;
  /**
   * How long an in-progress mark outlives its holder (default 30000 ms). A running handler renews
   * it every third of that; after a crash, a redelivery waits at most this long to take over.
   */
  leaseMs?: number;
  logger?: MessageLogger;
}
