import { ConformanceBrokerControl, describeTransportConformance } from '@smart-message/testing';
import { startNatsProxy, TcpProxy } from './support/tcp-proxy';
import { TestStreams } from './support/test-streams';

// Both transports on the shared server, every connection through a proxy of this file's own so
// dropping them hurts nobody else. One prefix for the file; its streams are deleted at the end.
jest.setTimeout(60_000);
const streams = new TestStreams();
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await startNatsProxy();
});

afterAll(async () => {
  await proxy.close();
  await streams.cleanup();
});

const broker: ConformanceBrokerControl = {
  // Bytes already written (the ack of a message just handled) are let through first, as when
  // the server closes a connection: a drop that loses an ack in flight redelivers that message,
  // which at-least-once allows and this case does not expect.
  dropConnections: async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    proxy.dropAll();
  },
  // Only the `durable` restart case calls it, and it is not declared here: the shared server is never stopped.
  restart: () => Promise.reject(new Error('restarting the shared NATS server is not allowed')),
};

describeTransportConformance('NatsJetStreamTransport', {
  createTransport: async () => {
    const transport = streams.jetStream({ url: proxy.url() });
    await transport.start();
    return transport;
  },
  deliveryTimeoutMs: 15_000,
  broker,
});

describeTransportConformance('NatsTransport', {
  createTransport: async () => {
    const transport = streams.core({ url: proxy.url() });
    await transport.start();
    return transport;
  },
  deliveryTimeoutMs: 10_000,
  broker,
});
