import { SmartMessageError } from '@smart-message/nestjs';

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
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause as { code?: unknown; message?: unknown } | undefined;
    const detail =
      typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'no answer';
    super(
      `Could not connect to the Redis Cluster at ${nodes.join(', ')} while ${activity} ` +
        `(${detail}, after ${timeoutMs} ms): check that the seed nodes in \`cluster.nodes\` are reachable ` +
        'cluster nodes (redis-server --cluster-enabled yes) whose CLUSTER INFO says cluster_state:ok, ' +
        'or raise `connectTimeoutMs`.',
      options,
    );
  }
}
