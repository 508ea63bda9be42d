import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { MessageLogger } from '@smart-message/nestjs';
import type { RedisClusterConnectionOptions } from './redis-cluster-connection-options.interface';

/**
 * How the package reaches Redis. The transports take all of it; the stores take `url`, `client`
 * and `redisOptions` (`RedisStoreConnectionOptions`), the breaker state store `client` only.
 */
export interface RedisConnectionOptions {
  /**
   * `redis://[[username]:password@]host[:port][/db]`, or `rediss://` for TLS
   * (default `redis://127.0.0.1:6379`). Refused at construction when it cannot name a Redis server.
   * Not with `cluster`.
   */
  url?: string;
  /**
   * A Redis Cluster instead of one server: seed nodes and ioredis `ClusterOptions`. Not with
   * `url`, nor with a `client` (a shared `Cluster` client is cluster mode by itself).
   * Streams keys then carry hash tags (`<prefix>{<class>}`): see docs/redis-transports.md.
   */
  cluster?: RedisClusterConnectionOptions;
  /**
   * An existing client to share for plain commands; `url` is then ignored. Connections that need
   * one of their own (a transport's subscriber and blocking readers) are duplicated from it.
   * Nothing of this package closes a client it was given.
   */
  client?: Redis | Cluster;
  /**
   * More ioredis options for the connections opened from `url` or duplicated from `client`; in
   * cluster mode, options of every node connection (ClusterOptions `redisOptions`).
   */
  redisOptions?: RedisOptions;
  /**
   * How long startup waits for each connection to Redis before it fails with
   * `RedisConnectionError` naming host, port and cause (default 5000 ms). Also the TCP connect
   * timeout of every connection the transport opens.
   */
  connectTimeoutMs?: number;
  /**
   * How long a publish waits for Redis to come back before it fails with `RedisUnavailableError`
   * (default 10000 ms). While Redis is down a publish waits, it is not queued in Redis's client:
   * it is sent once the connection is back (reconnects are tried at least every 250 ms).
   */
  publishTimeoutMs?: number;
  /** Publishes that may wait for a reconnect at once; one more fails at once (default 10000). */
  maxBufferedPublishes?: number;
  logger?: MessageLogger;
}

/**
 * What a store takes to reach Redis. Its connection reconnects as a transport's does; the
 * timeouts are ioredis's own unless `redisOptions` changes them, and nothing waits at startup.
 */
export type RedisStoreConnectionOptions = Pick<RedisConnectionOptions, 'url' | 'cluster' | 'client' | 'redisOptions'>;
