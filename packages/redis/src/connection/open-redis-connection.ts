import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { isClusterClient, RedisClient } from './redis-client';
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
  /**
   * In cluster mode, instead of `required`: what each node connection and the Cluster itself
   * depend on. A cluster keeps its offline queue on whatever the use: ioredis parks commands
   * there while a failover promotes a replica, and retries them on the new primary.
   */
  readonly clusterRequired?: { node?: RedisOptions; cluster?: ClusterOptions };
}

/**
 * The Cluster defaults of the package. `retryDelayOnFailover × maxRedirections` must exceed the
 * servers' `cluster-node-timeout` (15 s by default) for a command to outlast a failover (ioredis
 * README, "Cluster"); auto-pipelining is off because ioredis groups pipelines by node, which fails
 * with "All keys in the pipeline should belong to the same slots allocation group" and MOVED errors
 * during topology changes (redis/ioredis#1264, #2075).
 */
export const CLUSTER_DEFAULTS: ClusterOptions = {
  retryDelayOnFailover: 200,
  maxRedirections: 100,
  enableAutoPipelining: false,
  clusterRetryStrategy: reconnectDelay,
};

/**
 * Opens a new connection, duplicated from the shared client when there is one, else to `url`
 * or the cluster's seed nodes. Every connection reconnects with `reconnectDelay` unless
 * `redisOptions` says otherwise.
 */
export function openRedisConnection(connection: ResolvedRedisConnection, profile: RedisConnectionProfile): RedisClient {
  if (connection.isCluster) return openClusterConnection(connection, profile);
  const options: RedisOptions = {
    retryStrategy: reconnectDelay,
    connectionName: profile.name,
    connectTimeout: connection.connectTimeoutMs,
    ...profile.defaults,
    ...connection.redisOptions,
    ...profile.required,
  };
  const shared = connection.client as Redis | undefined;
  const client = shared ? shared.duplicate(options) : new Redis(connection.url, options);
  // ioredis emits connection errors as events, and unhandled they would crash the process.
  // Whoever opened the connection reports them (startup, the outage log, the failed command).
  client.on('error', () => undefined);
  return client;
}

function openClusterConnection(connection: ResolvedRedisConnection, profile: RedisConnectionProfile): Cluster {
  const shared = connection.client && isClusterClient(connection.client) ? connection.client : undefined;
  const base: ClusterOptions = shared ? shared.options : (connection.cluster?.options ?? {});
  const node: RedisOptions = {
    connectionName: profile.name,
    connectTimeout: connection.connectTimeoutMs,
    ...profile.defaults,
    ...base.redisOptions,
    ...connection.redisOptions,
    ...profile.clusterRequired?.node,
  };
  const options: ClusterOptions = {
    ...CLUSTER_DEFAULTS,
    ...base,
    ...profile.clusterRequired?.cluster,
    enableOfflineQueue: true,
    redisOptions: node,
  };
  const client = shared ? shared.duplicate(undefined, options) : new Cluster(connection.cluster?.nodes ?? [], options);
  client.on('error', () => undefined);
  return client;
}

/** The shared client as it is, or a connection opened for this use; `owned` says who closes it. */
export function sharedOrOwnConnection(
  connection: ResolvedRedisConnection,
  profile: RedisConnectionProfile,
): { client: RedisClient; owned: boolean } {
  if (connection.client) return { client: connection.client, owned: false };
  return { client: openRedisConnection(connection, profile), owned: true };
}
