import { Transport } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { BROADCAST_TRANSPORT, DURABLE_TRANSPORT, TransportName } from '../transport-names';
import { MessagingMode, readRedisSettings, RedisSettings } from './messaging-mode';

/** Bound on each stream; far above any backlog the sample builds, so nothing pending is trimmed. */
const STREAM_MAX_LEN = 10_000;

/**
 * Streams for the durable classes, pub/sub for broadcasts and replies: the transports of redis,
 * postgres and redis-cluster mode (on a cluster, stream keys are `<prefix>{<class>}` and pub/sub is classic PUBLISH).
 */
export function redisTransports({ prefix, ...connection }: RedisSettings): Record<TransportName, Transport> {
  return {
    [DURABLE_TRANSPORT]: new RedisStreamsTransport({
      ...connection,
      prefix,
      maxLen: STREAM_MAX_LEN,
      // A service started for the first time still gets the work published before it existed.
      startFrom: '0',
    }),
    [BROADCAST_TRANSPORT]: new RedisPubSubTransport({ ...connection, prefix }),
  };
}

/** `SMART_MESSAGE_TRANSPORT=redis`: everything over Redis (`REDIS_URL`, `SMART_MESSAGE_PREFIX`). */
export const redisMode: MessagingMode = {
  name: 'redis',
  read(env) {
    const redis = readRedisSettings(env);
    return { mode: 'redis', redis, transports: () => redisTransports(redis) };
  },
};
