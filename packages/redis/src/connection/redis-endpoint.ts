import type { Cluster, ClusterNode } from 'ioredis';
import { isClusterClient, RedisClient } from './redis-client';
import { seedNodesOf } from './resolve-redis-connection';

/** Where a client connects, for messages: host and port, the socket path, or a cluster's seed nodes. */
export function endpointOf(client: RedisClient): { host: string; port: number | string } {
  if (isClusterClient(client)) {
    const [first = '127.0.0.1:6379', ...others] = seedNodesOf(clusterSeeds(client));
    const at = first.lastIndexOf(':');
    const host = first.slice(0, at);
    const port = first.slice(at + 1);
    return others.length === 0 ? { host, port } : { host, port: `${port} (cluster, also ${others.join(', ')})` };
  }
  const { host, port, path } = client.options;
  return path ? { host: path, port: 'unix socket' } : { host: host ?? '127.0.0.1', port: port ?? 6379 };
}

/**
 * A cluster's seed nodes. ioredis keeps them in a private field (5 and 6 alike) and offers no
 * getter; startup messages need them, since before the first CLUSTER SLOTS no other node is known.
 */
export function clusterSeeds(client: Cluster): ClusterNode[] {
  return (client as unknown as { startupNodes?: ClusterNode[] }).startupNodes ?? [];
}
