import { MessagingConfigError } from '../messaging-config.error';
import { MessagingMode, readRedisSettings } from './messaging-mode';
import { redisTransports } from './redis.mode';

const NODES_VARIABLE = 'REDIS_CLUSTER_NODES';
/** `host:port`, the host possibly an IPv6 address in brackets: the form the Redis package takes a seed node in. */
const SEED_NODE = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]{}]+):(\d{1,5})$/;

/**
 * `REDIS_CLUSTER_NODES=host:port,host:port`, checked here so that a missing or mistyped list
 * stops the app naming the variable, before any transport is built.
 */
export function clusterNodesOf(value: string | undefined): string[] {
  const example = `e.g. ${NODES_VARIABLE}=127.0.0.1:7000,127.0.0.1:7001`;
  if (!value?.trim())
    throw new MessagingConfigError(
      NODES_VARIABLE,
      `${NODES_VARIABLE} is required in redis-cluster mode: list seed nodes of the cluster as host:port, separated by commas (${example})`,
    );
  const nodes = value.split(',').map((node) => node.trim());
  for (const node of nodes) {
    const port = Number(SEED_NODE.exec(node)?.[1] ?? NaN);
    if (!(port >= 1 && port <= 65535))
      throw new MessagingConfigError(
        NODES_VARIABLE,
        `${NODES_VARIABLE} "${value}": the seed node "${node}" is not host:port (${example})`,
      );
  }
  return nodes;
}

/**
 * `SMART_MESSAGE_TRANSPORT=redis-cluster`: the transports of redis mode on a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, `SMART_MESSAGE_PREFIX`). Each stream key is `<prefix>{<class>}`, so
 * the streams spread over the shards by class; broadcasts and replies use classic PUBLISH, which
 * every node forwards, so a subscriber on any node gets them; the dead letters are on the
 * cluster too, under `<prefix>{dead-letters}:` (one slot, since the store writes its keys in one MULTI).
 */
export const redisClusterMode: MessagingMode = {
  name: 'redis-cluster',
  read(env) {
    const nodes = clusterNodesOf(env[NODES_VARIABLE]);
    const { prefix } = readRedisSettings(env);
    // The transports put the hash tag in themselves; one in the prefix would put every stream on one shard.
    if (/[{}]/.test(prefix))
      throw new MessagingConfigError(
        'SMART_MESSAGE_PREFIX',
        `SMART_MESSAGE_PREFIX "${prefix}" holds "{" or "}": on a Redis Cluster the transports add the {<class>} hash tag themselves, so drop the braces`,
      );
    const redis = { cluster: { nodes }, prefix };
    return { mode: 'redis-cluster', redis, transports: () => redisTransports(redis) };
  },
};
