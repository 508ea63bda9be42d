import { Redis, RedisOptions } from 'ioredis';
import { reconnectDelay } from './reconnect-delay';
import { ResolvedRedisConnection } from './resolve-redis-connection';

/** What a connection is for: its name and the ioredis settings its use needs. */
export interface RedisConnectionProfile {
  /** Its name in CLIENT LIST (`connectionName`), e.g. `smart-message:pubsub:subscriber`. */
  readonly name: string;
  /** Settings this use starts from; `redisOptions` may change them. */
  readonly defaults?: RedisOptions;
  /** Settings this use depends on (offline queue, retries per command): they win over `redisOptions`. */
  readonly required?: RedisOptions;
}

/**
 * Opens a new connection, duplicated from the shared client when there is one, else to `url`.
 * Every connection reconnects with `reconnectDelay` unless `redisOptions` says otherwise.
 */
export function openRedisConnection(connection: ResolvedRedisConnection, profile: RedisConnectionProfile): Redis {
  const options: RedisOptions = {
    retryStrategy: reconnectDelay,
    connectionName: profile.name,
    connectTimeout: connection.connectTimeoutMs,
    ...profile.defaults,
    ...connection.redisOptions,
    ...profile.required,
  };
  const client = connection.client ? connection.client.duplicate(options) : new Redis(connection.url, options);
  // ioredis emits connection errors as events, and unhandled they would crash the process.
  // Whoever opened the connection reports them (startup, the outage log, the failed command).
  client.on('error', () => undefined);
  return client;
}

/** The shared client as it is, or a connection opened for this use; `owned` says who closes it. */
export function sharedOrOwnConnection(
  connection: ResolvedRedisConnection,
  profile: RedisConnectionProfile,
): { client: Redis; owned: boolean } {
  if (connection.client) return { client: connection.client, owned: false };
  return { client: openRedisConnection(connection, profile), owned: true };
}
