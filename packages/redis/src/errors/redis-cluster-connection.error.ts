import { SmartMessageError } from '@smart-message/nestjs';
import type { SeedProbe } from '../cluster/probe-seeds';

/**
 * A Redis transport could not reach its cluster at startup within `connectTimeoutMs`: names the
 * seed nodes tried, the cause (the last node error ioredis saw), what it was doing and the fix.
 */
export class RedisClusterConnectionError extends SmartMessageError {
  readonly code = 'SM_REDIS_CLUSTER_CONNECTION_FAILED' as const;

  constructor(
    /** The seed nodes, `host:port` each. */
    readonly nodes: readonly string[],
    /** What the library was doing, e.g. `connecting the publisher`. */
    readonly activity: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown; probes?: readonly SeedProbe[] },
  ) {
    const cause = options?.cause as { code?: unknown; message?: unknown } | undefined;
    const detail =
      typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'no answer';
    const probes = options?.probes ?? [];
    const perNode = probes.map(({ node, result }) =>
      result === 'listening' ? `${node} accepts connections but did not serve the cluster` : `${node} ${result}`,
    );
    const fix = probes.some(({ result }) => result === 'listening')
      ? 'a node that listens must run with --cluster-enabled yes in a cluster whose CLUSTER INFO says cluster_state:ok (create it with redis-cli --cluster create), and the credentials/TLS in `redisOptions` must match'
      : 'start the cluster nodes, or list reachable ones in `cluster.nodes` (host:port of any node), or raise `connectTimeoutMs`';
    super(
      `Could not connect to the Redis Cluster at ${nodes.join(', ')} while ${activity} after ${timeoutMs} ms ` +
        `(${perNode.length > 0 ? perNode.join('; ') : detail}; ioredis: ${detail}): ${fix}.`,
      { cause: options?.cause },
    );
    this.probes = probes;
  }

  /** What a TCP connect to each seed node found when startup gave up. */
  readonly probes: readonly SeedProbe[];
}
