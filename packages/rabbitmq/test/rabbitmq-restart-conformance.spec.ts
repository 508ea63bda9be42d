import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { RabbitMqTransport } from '@smart-message/rabbitmq';
import { OwnRabbitMqNode } from './support/own-rabbitmq-node';
import { startRabbitMqProxy, TcpProxy } from './support/tcp-proxy';
import { silentLogger } from './support/test-broker';

// The durable cases kill and restart the broker, so they run on a node of this file's own on
// free ports, never on the shared one; the node and its data go at the end.
jest.setTimeout(120_000);

if (OwnRabbitMqNode.installed) {
  let node: OwnRabbitMqNode;
  let proxy: TcpProxy;

  beforeAll(async () => {
    node = await OwnRabbitMqNode.start();
    proxy = await startRabbitMqProxy({ host: '127.0.0.1', port: node.port });
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await node?.stop();
  });

  const broker: ConformanceBrokerControl = {
    // See rabbitmq-conformance.spec.ts: bytes already sent reach the broker before the drop.
    dropConnections: async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      proxy.dropAll();
    },
    // SIGTERM, not SIGKILL: on RabbitMQ 3.10.8 a single node killed with SIGKILL came back with
    // its quorum queues leaderless ("leader not known"), nacking every publish for minutes;
    // after SIGTERM the node stops in about a second and its queues are back at start.
    restart: () => node.restart('SIGTERM'),
  };

  describeTransportConformance('RabbitMqTransport on a node of its own', {
    createTransport: async () => {
      const transport = new RabbitMqTransport({
        url: proxy.url(),
        logger: silentLogger,
        reconnect: { baseMs: 20, maxMs: 200 },
        // A restart takes seconds: publishes made meanwhile wait for it.
        publishTimeoutMs: 60_000,
      });
      await transport.start();
      return transport;
    },
    deliveryTimeoutMs: 60_000,
    broker,
    features: { durable: true },
  });
} else {
  describe('RabbitMqTransport on a node of its own', () => {
    it('starts a RabbitMQ node of its own for the restart cases', () => {
      throw new Error(
        `${'/usr/lib/rabbitmq/bin/rabbitmq-server'} is missing: install RabbitMQ (apt-get install rabbitmq-server)`,
      );
    });
  });
}
