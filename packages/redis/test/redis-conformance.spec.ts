import { describeTransportConformance } from '@smart-message/testing';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

const pubSubPrefix = uniquePrefix('conformance-pubsub');
const streamsPrefix = uniquePrefix('conformance-streams');

afterAll(async () => {
  await deleteKeys(pubSubPrefix);
  await deleteKeys(streamsPrefix);
});

describeTransportConformance('Redis pub/sub', {
  createTransport: () => new RedisPubSubTransport({ prefix: pubSubPrefix, logger: silent }),
});

describeTransportConformance('Redis Streams', {
  createTransport: () =>
    new RedisStreamsTransport({ prefix: streamsPrefix, blockMs: 100, claimIdleMs: 60_000, logger: silent }),
});

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
