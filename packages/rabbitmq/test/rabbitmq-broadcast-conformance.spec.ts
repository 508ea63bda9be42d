import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { startRabbitMqProxy, TcpProxy } from './support/tcp-proxy';
import { TestTopology } from './support/test-broker';

// The broadcast transport on the machine's node, through a proxy of this file's own. Its queues
// are exclusive and go with their connections; cleanup deletes the file's exchanges.
const topology = new TestTopology();
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await startRabbitMqProxy();
});

afterAll(async () => {
  await proxy.close();
  await topology.cleanup();
});

const broker: ConformanceBrokerControl = {
  dropConnections: async () => proxy.dropAll(),
  // At-most-once: the durable restart case is not declared, and the shared node is never stopped.
  restart: () => Promise.reject(new Error('restarting the shared RabbitMQ node is not allowed')),
};

// Declared as the Redis pub/sub transport is: fan-out within an instance, no durability.
describeTransportConformance('RabbitMqBroadcastTransport', {
  createTransport: async () => {
    const transport = topology.broadcast({ url: proxy.url() });
    await transport.start();
    return transport;
  },
  deliveryTimeoutMs: 10_000,
  broker,
});
