import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import { RedisClusterConfigError } from '../errors/redis-cluster-config.error';
import { RedisClusterNode } from '../interfaces/redis-cluster-connection-options.interface';
import { RedisConnectionOptions } from '../interfaces/redis-connection-options.interface';
import { isClusterClient, RedisClient } from './redis-client';
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

/** The seed nodes and options of a cluster, checked. */
export interface ResolvedRedisCluster {
  readonly nodes: { host: string; port: number }[];
  readonly options: ClusterOptions;
}

/** Connection options with every default filled in and the url checked. */
export interface ResolvedRedisConnection {
  /** Where connections are opened when there is no `client` and no `cluster`. */
  readonly url: string;
  /** Set in cluster mode when the connections are opened from seed nodes. */
  readonly cluster?: ResolvedRedisCluster;
  readonly client?: RedisClient;
  /** Whether the connections are Cluster clients (from `cluster`, or a shared Cluster `client`). */
  readonly isCluster: boolean;
  readonly redisOptions: RedisOptions;
  readonly connectTimeoutMs: number;
  readonly publishTimeoutMs: number;
  readonly maxBufferedPublishes: number;
}

/**
 * The one place the package's connection defaults are decided, for transports and stores alike.
 * Refuses a wrong `url` or `cluster` here, at construction: it is a configuration error, not an outage.
 */
export function resolveRedisConnection(options: RedisConnectionOptions): ResolvedRedisConnection {
  const url = options.url ?? DEFAULT_REDIS_URL;
  const cluster = options.cluster ? resolveCluster(options) : undefined;
  if (!options.client && !cluster) assertRedisUrl(url);
  return {
    url,
    ...(cluster ? { cluster } : {}),
    ...(options.client ? { client: options.client } : {}),
    isCluster: cluster !== undefined || (options.client !== undefined && isClusterClient(options.client)),
    redisOptions: options.redisOptions ?? {},
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    publishTimeoutMs: options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
    maxBufferedPublishes: options.maxBufferedPublishes ?? DEFAULT_MAX_BUFFERED_PUBLISHES,
  };
}

function resolveCluster(options: RedisConnectionOptions): ResolvedRedisCluster {
  const { cluster } = options;
  if (!cluster) throw new Error('unreachable');
  if (options.url !== undefined)
    throw new RedisClusterConfigError(
      'both `url` and `cluster` are set',
      'Give `url` for one Redis server or `cluster: { nodes }` for a Redis Cluster, not both.',
    );
  if (options.client !== undefined)
    throw new RedisClusterConfigError(
      'both `client` and `cluster` are set',
      'Give `cluster: { nodes }` for connections of the transport, or share an ioredis Cluster as `client`, not both.',
    );
  if (!Array.isArray(cluster.nodes) || cluster.nodes.length === 0)
    throw new RedisClusterConfigError(
      '`cluster.nodes` names no seed node',
      "List at least one node, e.g. cluster: { nodes: ['10.0.0.1:6379', '10.0.0.2:6379'] }.",
    );
  return { nodes: cluster.nodes.map(parseNode), options: cluster.options ?? {} };
}

function parseNode(node: RedisClusterNode): { host: string; port: number } {
  if (typeof node === 'string') {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(node.trim());
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535)
      throw new RedisClusterConfigError(
        `the seed node "${node}" is not host:port`,
        "Write each node as 'host:port' (e.g. '10.0.0.1:6379') or { host, port }.",
      );
    return { host: match[1], port };
  }
  if (
    typeof node !== 'object' ||
    node === null ||
    typeof node.host !== 'string' ||
    node.host === '' ||
    !Number.isInteger(node.port) ||
    node.port < 1 ||
    node.port > 65535
  )
    throw new RedisClusterConfigError(
      `the seed node ${JSON.stringify(node)} is not { host, port }`,
      "Write each node as { host: '10.0.0.1', port: 6379 } or 'host:port'.",
    );
  return { host: node.host, port: node.port };
}

/** Seed nodes as ioredis takes them (`{ host, port }`, `host:port`, a port, a redis:// URL), as host and port. */
export function seedAddresses(nodes: readonly ClusterNode[]): { host: string; port: number }[] {
  return nodes.map((node) => {
    if (typeof node === 'number') return { host: '127.0.0.1', port: node };
    if (typeof node === 'string') {
      const match = /^(?:rediss?:\/\/)?\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(node);
      if (!match) return { host: node, port: 6379 };
      if (/^\d+$/.test(match[1]) && !match[2]) return { host: '127.0.0.1', port: Number(match[1]) };
      return { host: match[1], port: Number(match[2] ?? 6379) };
    }
    return { host: node.host ?? '127.0.0.1', port: Number(node.port ?? 6379) };
  });
}

/** The seed nodes as `host:port`, for messages. */
export function seedNodesOf(nodes: readonly ClusterNode[]): string[] {
  return seedAddresses(nodes).map(({ host, port }) => `${host}:${port}`);
}
