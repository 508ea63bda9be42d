import { Cluster, Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Envelope } from '@smart-message/nestjs';
import {
  RedisClusterConfigError,
  RedisClusterConnectionError,
  RedisStreamsTransport,
  StreamClassNameError,
} from '@smart-message/redis';
import { sharedClusterSeeds } from '../support/redis-cluster-global';

jest.setTimeout(60_000);
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('Redis Streams on a Redis Cluster', () => {
  it('tags each stream with its message type', () => {
    const transport = new RedisStreamsTransport({ cluster: { nodes: sharedClusterSeeds() }, logger: silent });
    expect(transport.streamOf('OrderPlaced')).toBe('smart-message:{OrderPlaced}');
    expect(transport.deadLetterStreamOf('OrderPlaced')).toBe('smart-message:{OrderPlaced}:dead-letters');
    expect(() => transport.streamOf('Order{x}')).toThrow(StreamClassNameError);
  });
});
