import type { Redis, RedisOptions } from 'ioredis';
import type { MessageLogger } from '@smart-message/nestjs';

export interface RedisDeduplicationStoreOptions {
  /** `redis://[[username]:password@]host[:port][/db]` or `rediss://` (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** An existing client to use instead of opening one; the store never closes a client it was given. */
  client?: Redis;
  /** More ioredis options for the connection the store opens itself. */
  redisOptions?: RedisOptions;
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
