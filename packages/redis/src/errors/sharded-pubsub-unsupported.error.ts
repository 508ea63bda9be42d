import { SmartMessageError } from '@smart-message/nestjs';

/** `sharded: true` needs ioredis's `shardedSubscribers` (ioredis 5.5.0 or later) and a cluster. */
export class ShardedPubSubUnsupportedError extends SmartMessageError {
  readonly code = 'SM_REDIS_SHARDED_PUBSUB_UNSUPPORTED' as const;

  constructor(readonly reason: string) {
    super(`RedisPubSubTransport cannot use sharded pub/sub: ${reason}.`);
  }
}
