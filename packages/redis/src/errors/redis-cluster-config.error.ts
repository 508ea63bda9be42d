import { SmartMessageError } from '@smart-message/nestjs';

/** A Redis transport or store was given a cluster configuration it cannot use; refused before connecting. */
export class RedisClusterConfigError extends SmartMessageError {
  readonly code = 'SM_REDIS_CLUSTER_CONFIG' as const;

  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`Invalid Redis Cluster configuration: ${reason}. ${fix}`);
  }
}
