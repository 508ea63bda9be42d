import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { fromConfig, Message, MessageBus } from '@smart-message/nestjs';
import * as nats from '@smart-message/nats';
import { waitFor } from '@smart-message/testing';
import { randomPrefix, silentLogger, TestStreams, TEST_NATS_URL } from './support/test-streams';

// The package as jest maps it to its sources; an application's loader is Node's require.
const load = (packageName: string): unknown => (packageName === '@smart-message/nats' ? nats : undefined);

@Message({ name: 'NatsConfiguredOrder', from: 'tests' })
class NatsConfiguredOrder {
  @IsInt() orderNo!: number;
}

jest.setTimeout(60_000);

describe('fromConfig with @smart-message/nats', () => {
  const streams = new TestStreams();

  afterAll(() => streams.cleanup());

  it('builds both NATS transports with the URL and the query’s options', async () => {
    const transports = fromConfig(
      {
        transports: {
          durable: `${TEST_NATS_URL}?prefix=${streams.prefix}&maxDeliveries=7&ackWaitMs=5000&onConsumerDrift=warn`,
          live: `${TEST_NATS_URL.replace('nats:', 'nats+core:')}?prefix=${streams.prefix}&maxQueuedDeliveries=9`,
        },
      },
      { load },
    );
    expect(transports.durable).toBeInstanceOf(nats.NatsJetStreamTransport);
    expect(transports.live).toBeInstanceOf(nats.NatsTransport);
    expect((transports.durable as nats.NatsJetStreamTransport).topology.prefix).toBe(streams.prefix);
    await Promise.all(Object.values(transports).map((transport) => transport.close()));
  });

  it.each([
    ['JetStream', 'nats:'],
    ['core NATS', 'nats+core:'],
  ])('delivers a message through a bus on a %s transport built from its URL, and shuts down', async (_, scheme) => {
    const prefix = scheme === 'nats:' ? streams.prefix : randomPrefix();
    const bus = new MessageBus({
      entity: 'configured',
      logger: silentLogger,
      transports: fromConfig(
        { transports: { main: `${TEST_NATS_URL.replace('nats:', scheme)}?prefix=${prefix}` } },
        { load },
      ),
    });
    const received: number[] = [];
    await bus.subscribe(NatsConfiguredOrder, (message) => void received.push(message.orderNo));
    await bus.start();
    try {
      await bus.publish(Object.assign(new NatsConfiguredOrder(), { orderNo: 42 }));
      await waitFor(() => received.length === 1, 'the configured order');
      expect(received).toEqual([42]);
    } finally {
      await bus.shutdown(2000);
    }
  });
});
