import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { TestRedisCluster } from '../support/redis-cluster';

// A cluster of this file's own (AOF fsynced on every write): the broker-failure cases drop every
// client connection on every node, and restart every node with what it persisted.
let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await TestRedisCluster.start({ persistent: true });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const broker: ConformanceBrokerControl = {
  dropConnections: () => cluster.dropConnections(),
  restart: () => cluster.restart(),
};

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

// Without `broker`: after every connection is dropped, classic pub/sub on a cluster can deliver a few
// messages twice while ioredis re-selects its subscriber node (docs/redis-transports.md, "Pub/sub on a
// cluster", known limitation); the failover case in cluster-faults.spec.ts still covers it losing a node.
describeTransportConformance('Redis pub/sub on a cluster', {
  createTransport: () => new RedisPubSubTransport({ cluster: { nodes: cluster.seeds }, logger: silent }),
  deliveryTimeoutMs: 15_000,
});

describeTransportConformance('Redis sharded pub/sub on a cluster', {
  createTransport: () => new RedisPubSubTransport({ cluster: { nodes: cluster.seeds }, sharded: true, logger: silent }),
  deliveryTimeoutMs: 15_000,
  broker,
});

describeTransportConformance('Redis Streams on a cluster', {
  createTransport: () =>
    new RedisStreamsTransport({ cluster: { nodes: cluster.seeds }, blockMs: 100, claimIdleMs: 60_000, logger: silent }),
  deliveryTimeoutMs: 15_000,
  broker,
  features: { durable: true },
});
