import type { Cluster, Redis } from 'ioredis';

/**
 * A connection the package runs commands on: one Redis server, or a Redis Cluster that routes
 * each command to the node serving its key's slot. Both share ioredis's command API.
 */
export type RedisClient = Redis | Cluster;

/**
 * Whether `client` is a Cluster. Duck-typed on ioredis's own `isCluster` flag rather than
 * `instanceof`, so a client built by another copy of ioredis (a user's, or ioredis 6 beside 5) is told apart too.
 */
export function isClusterClient(client: RedisClient): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}
