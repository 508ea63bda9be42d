import { SmartMessageError } from '@smart-message/nestjs';
import * as redis from '@smart-message/redis';

/** One instance of every error class the package exports, built as the package builds them. */
const samples: Error[] = [
  new redis.InvalidRedisUrlError('http://x', 'the scheme is not redis: or rediss:'),
  new redis.PublishBufferFullError(10),
  new redis.RedisConnectionError({ host: '127.0.0.1', port: 1 }, 'refused', 'connecting the publisher', 5000),
  new redis.RedisReplyShapeError('XREADGROUP', 'a number'),
  new redis.RedisUnavailableError(10_000),
  new redis.ReservedPropertyError('Order', '_sm_header'),
  new redis.StreamKeyTypeError('smart-message:Order', 'string', 'billing'),
  new redis.RedisClusterConfigError('both `url` and `cluster` are set', 'Give one of them.'),
  new redis.RedisClusterConnectionError(['127.0.0.1:1'], 'connecting the publisher', 5000, {
    probes: [{ node: '127.0.0.1:1', result: 'ECONNREFUSED' }],
  }),
  new redis.ShardedPubSubUnsupportedError('it is a Redis Cluster feature'),
  new redis.StreamClassNameError('Order{x}'),
];

describe('errors of @smart-message/redis', () => {
  it('covers every error class the package exports', () => {
    const exported = Object.entries(redis).filter(
      ([name, value]) => typeof value === 'function' && name.endsWith('Error'),
    );
    expect(exported.map(([name]) => name).sort()).toEqual(samples.map((error) => error.name).sort());
  });

  it.each(samples.map((error) => [error.name, error] as const))(
    '%s is a SmartMessageError with an SM_ code, its class name and a message',
    (name, error) => {
      expect(error).toBeInstanceOf(SmartMessageError);
      expect((error as SmartMessageError).code).toMatch(/^SM_[A-Z_]+$/);
      expect(error.name).toBe(name);
      expect(error.message.length).toBeGreaterThan(20);
    },
  );
});
