import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { fromConfig, Message, MessageBus, TransportConfigError } from '@smart-message/nestjs';
import * as rabbitmq from '@smart-message/rabbitmq';
import { waitFor } from '@smart-message/testing';
import { silentLogger, TestTopology } from './support/test-broker';

jest.setTimeout(30_000);

// The package as jest maps it to its sources; an application's loader is Node's require.
const load = (packageName: string): unknown => (packageName === '@smart-message/rabbitmq' ? rabbitmq : undefined);
const topology = new TestTopology();

@Message({ name: 'BroadcastConfiguredNotice', from: 'tests' })
class BroadcastConfiguredNotice {
  @IsInt() noticeNo!: number;
}

afterAll(async () => {
  await topology.cleanup();
});

describe('fromConfig with amqp+broadcast://', () => {
  it('builds a RabbitMqBroadcastTransport for amqp+broadcast:// and amqps+broadcast://, a RabbitMqTransport for amqp://', async () => {
    const transports = fromConfig(
      {
        transports: {
          radio: 'amqp+broadcast://guest:guest@127.0.0.1:5672?maxQueuedMessages=50&prefix=sm-config',
          secure: 'amqps+broadcast://guest:guest@rabbit.example:5671',
          jobs: 'amqp://guest:guest@127.0.0.1:5672?maxDeliveries=3',
        },
      },
      { load },
    );
    expect(transports.radio).toBeInstanceOf(rabbitmq.RabbitMqBroadcastTransport);
    expect(transports.secure).toBeInstanceOf(rabbitmq.RabbitMqBroadcastTransport);
    expect(transports.jobs).toBeInstanceOf(rabbitmq.RabbitMqTransport);
    // The client gets the plain scheme: our `+broadcast` is not amqplib's.
    expect((transports.secure as rabbitmq.RabbitMqBroadcastTransport).status().endpoint).toBe('rabbit.example:5671');
    await Promise.all(Object.values(transports).map((transport) => transport.close()));
  });

  it('refuses an option only the durable transport takes', () => {
    const build = () => fromConfig({ transports: { radio: 'amqp+broadcast://127.0.0.1?maxDeliveries=3' } }, { load });
    expect(build).toThrow(TransportConfigError);
    expect(build).toThrow(/RabbitMqBroadcastTransport takes no option "maxDeliveries"/);
  });

  it('delivers a message through a bus on a broadcast transport built from its URL', async () => {
    const bus = new MessageBus({
      entity: 'configured',
      logger: silentLogger,
      transports: fromConfig(
        { transports: { radio: `amqp+broadcast://guest:guest@127.0.0.1:5672?prefix=${topology.prefix}` } },
        { load },
      ),
    });
    const received: number[] = [];
    await bus.subscribe(BroadcastConfiguredNotice, (message) => void received.push(message.noticeNo));
    await bus.start();
    try {
      await bus.publish(Object.assign(new BroadcastConfiguredNotice(), { noticeNo: 7 }));
      await waitFor(() => received.length === 1, 'the configured notice');
      expect(received).toEqual([7]);
    } finally {
      await bus.shutdown(2000);
    }
  });
});
