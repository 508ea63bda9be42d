import type { DeadLetterBoundsOptions } from '@smart-message/nestjs';
import type { RedisStoreConnectionOptions } from '../interfaces/redis-connection-options.interface';

/**
 * Where Redis is (`url`, or a shared `client`, and `redisOptions`), and the store's bounds:
 * `maxEntries` (default 10,000), `maxBytes` (default 64 MiB) and the `logger` of evictions.
 */
export interface RedisDeadLetterStoreOptions extends DeadLetterBoundsOptions, RedisStoreConnectionOptions {
  /**
   * Start of the store's four keys: `<prefix>entries` (a hash of entries by id), `<prefix>index`
   * (a sorted set of ids by last failure time), `<prefix>fields` (a hash of each entry's index
   * fields) and `<prefix>counters` (bytes held, entries evicted). Default
   * `smart-message:dead-letters:`, and `smart-message:{dead-letters}:` in cluster mode, where a
   * prefix without a hash tag is refused (RedisClusterConfigError): the store's transactions
   * span its four keys, which must share a slot.
   */
  prefix?: string;
}
