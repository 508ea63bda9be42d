import type { Cluster, Redis } from 'ioredis';
import { hashSlot } from './hash-slot';

/** A node connection's key in ioredis's slot map: `host:port`. */
export const nodeKeyOf = (node: Redis): string => `${node.options.host}:${node.options.port}`;

/**
 * The cluster's connection to the primary serving `key`'s slot, from the slot map ioredis keeps;
 * undefined before the first CLUSTER SLOTS or when the owner has no connection in the pool.
 */
export function slotOwner(cluster: Cluster, key: string): Redis | undefined {
  const nodeKey = cluster.slots[hashSlot(key)]?.[0];
  if (!nodeKey) return undefined;
  return cluster.nodes('master').find((node) => nodeKeyOf(node) === nodeKey);
}
