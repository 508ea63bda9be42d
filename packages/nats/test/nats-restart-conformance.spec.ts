import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { OwnNatsServer } from './support/own-nats-server';
import { startNatsProxy, TcpProxy } from './support/tcp-proxy';
import { TestStreams } from './support/test-streams';

// The durable cases kill and restart the server, so they run on a nats-server of this file's
// own (free port, temporary file store), never on the shared one; it and its store go at the end.
jest.setTimeout(60_000);

let server: OwnNatsServer;
let proxy: TcpProxy;
let streams: TestStreams;

beforeAll(async () => {
  server = await OwnNatsServer.start();
  proxy = await startNatsProxy({ host: '127.0.0.1', port: server.port });
  streams = new TestStreams(server.url);
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

const broker: ConformanceBrokerControl = {
  // See nats-conformance.spec.ts: bytes already sent reach the server before the drop.
  dropConnections: async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    proxy.dropAll();
  },
  // A crash: SIGKILL, then the same port and store; the file store keeps streams and consumers.
  restart: () => server.restart('SIGKILL'),
};

describeTransportConformance('NatsJetStreamTransport on a server of its own', {
  createTransport: async () => {
    const transport = streams.jetStream({ url: proxy.url(), publishTimeoutMs: 30_000 });
    await transport.start();
    return transport;
  },
  deliveryTimeoutMs: 30_000,
  broker,
  features: { durable: true },
});
