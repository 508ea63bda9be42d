import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { startRabbitMqProxy, TcpProxy } from './support/tcp-proxy';
import { TestTopology } from './support/test-broker';

// One prefix (exchange) for the file; each test's message classes are new names, and every
// queue declared is deleted at the end.
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
  // Every connection of this file goes through the proxy: dropping them hurts nobody else. Bytes
  // already written (the ack of a message just handled) are let through first, as when the broker
  // closes the connections (`rabbitmqctl close_all_connections`): a drop that loses an ack in
  // flight redelivers that message, which at-least-once allows and this case does not expect.
  dropConnections: async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    proxy.dropAll();
  },
  // Only the `durable` restart case calls it, and it is not declared: the shared node is never stopped.
  restart: () => Promise.reject(new Error('restarting the shared RabbitMQ node is not allowed')),
};

describeTransportConformance('RabbitMqTransport', {
  createTransport: async () => {
    const transport = topology.transport({ url: proxy.url() });
    await transport.start();
    return transport;
  },
  deliveryTimeoutMs: 10_000,
  broker,
});
