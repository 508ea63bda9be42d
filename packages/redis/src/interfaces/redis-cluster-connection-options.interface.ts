import type { ClusterOptions } from 'ioredis';

/** A seed node of a Redis Cluster: `{ host, port }`, or `host:port`. */
export type RedisClusterNode = { host: string; port: number } | string;

/**
 * Where a Redis Cluster is: seed nodes (any reachable ones; ioredis learns the rest from
 * CLUSTER SLOTS) and ioredis `ClusterOptions`. Per-node connection settings (password, TLS)
 * go in `options.redisOptions` or the transport's `redisOptions`.
 */
export interface RedisClusterConnectionOptions {
  /** At least one seed node; several, so startup does not depend on one machine. */
  nodes: readonly RedisClusterNode[];
  /**
   * ioredis ClusterOptions. The package's defaults, which these override: `retryDelayOnFailover`
   * 200 ms and `maxRedirections` 100 (so commands wait out a failover up to 20 s, above Redis's
   * default `cluster-node-timeout` of 15 s), `enableAutoPipelining` false, and reconnecting
   * forever. `enableOfflineQueue` stays on: commands wait in it while a replica is promoted.
   */
  options?: ClusterOptions;
}
