import type { DeadLetterBoundsOptions } from '@smart-message/nestjs';
import type { Redis, RedisOptions } from 'ioredis';

/** Also its bounds: `maxEntries` (default 10,000), `maxBytes` (default 64 MiB) and the `logger` of evictions. */
export interface RedisDeadLetterStoreOptions extends DeadLetterBoundsOptions {
  /** `redis://…` or `rediss://…` (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** An existing client to use instead of opening one; the store never closes a client it was given. */
  client?: Redis;
  /** More ioredis options for the connection the store opens itself. */
  redisOptions?: RedisOptions;
  /**
   * Start of the store's four keys: `<prefix>entries` (a hash of entries by id), `<prefix>index`
   * (a sorted set of ids by last failure time), `<prefix>fields` (a hash of each entry's index
   * fields) and `<prefix>counters` (bytes held, entries evicted). Default
   * `smart-message:dead-letters:`. On Redis Cluster, put a hash tag in it (e.g. `{dead-letters}:`)
   * so all four keys live in one slot.
   */
  prefix?: string;
}
