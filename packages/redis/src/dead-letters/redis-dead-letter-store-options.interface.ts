import type { Redis, RedisOptions } from 'ioredis';

export interface RedisDeadLetterStoreOptions {
  /** `redis://…` or `rediss://…` (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** An existing client to use instead of opening one; the store never closes a client it was given. */
  client?: Redis;
  /** More ioredis options for the connection the store opens itself. */
  redisOptions?: RedisOptions;
  /**
   * Start of the store's two keys: `<prefix>entries` (a hash of entries by id) and `<prefix>index`
   * (a sorted set of ids by last failure time). Default `smart-message:dead-letters:`. On Redis
   * Cluster, put a hash tag in it (e.g. `{dead-letters}:`) so both keys live in one slot.
   */
  prefix?: string;
}
