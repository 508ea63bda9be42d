import type { Redis, RedisOptions } from 'ioredis';
import { RedisConnectionOptions } from '../interfaces/redis-connection-options.interface';
import { assertRedisUrl } from './redis-url';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/**
 * The TCP connect timeout of a store's own connection (ioredis's default): nothing waits for a
 * store at startup, so `connectTimeoutMs` is the transports' option only.
 */
export const STORE_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BUFFERED_PUBLISHES = 10_000;

/** Connection options with every default filled in and the url checked. */
export interface ResolvedRedisConnection {
  /** Where connections are opened when there is no `client`. */
  readonly url: string;
  readonly client?: Redis;
  readonly redisOptions: RedisOptions;
  readonly connectTimeoutMs: number;
  readonly publishTimeoutMs: number;
  readonly maxBufferedPublishes: number;
}

/**
 * The one place the package's connection defaults are decided, for transports and stores alike.
 * Refuses a wrong `url` here, at construction: it is a configuration error, not an outage.
 */
export function resolveRedisConnection(options: RedisConnectionOptions): ResolvedRedisConnection {
  const url = options.url ?? DEFAULT_REDIS_URL;
  if (!options.client) assertRedisUrl(url);
  return {
    url,
    ...(options.client ? { client: options.client } : {}),
    redisOptions: options.redisOptions ?? {},
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    publishTimeoutMs: options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
    maxBufferedPublishes: options.maxBufferedPublishes ?? DEFAULT_MAX_BUFFERED_PUBLISHES,
  };
}
