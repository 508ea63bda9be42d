import { Redis } from 'ioredis';
import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { TestRedisServer } from './support/redis-server';

// A redis-server of this file's own: the broker-failure cases kill its connections and restart it.
let server: TestRedisServer;

beforeAll(async () => {
  server = await TestRedisServer.start();
});

afterAll(async () => {
  await server.stop();
});

const broker: ConformanceBrokerControl = {
  async dropConnections() {
    const admin = new Redis(server.url);
    try {
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await admin.client('KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
    } finally {
      admin.disconnect();
    }
  },
  restart: () => server.restart(),
};

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describeTransportConformance('Redis pub/sub', {
  createTransport: () => new RedisPubSubTransport({ url: server.url, logger: silent }),
  deliveryTimeoutMs: 10_000,
  broker,
});

describeTransportConformance('Redis Streams', {
  createTransport: () =>
    new RedisStreamsTransport({ url: server.url, blockMs: 100, claimIdleMs: 60_000, logger: silent }),
  deliveryTimeoutMs: 10_000,
  broker,
  features: { durable: true },
});
