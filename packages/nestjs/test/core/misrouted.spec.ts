import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import {
  Envelope,
  EnvelopeHandler,
  MemoryTransport,
  Message,
  MessageBus,
  Transport,
  TransportSubscribeOptions,
  TransportSubscription,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from './wait-for';

@Message({ name: 'RoutedPing', from: 'tests' })
class RoutedPing {
  @IsInt() seq!: number;
}

@Message({ name: 'RoutedAdmin', from: 'tests' })
class RoutedAdmin {
  @IsString() command!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The memory transport with a tap on what it hands each subscription, so a test can deliver a
 * frame on a message type's subscription as a broker would deliver what a sender wrote there.
 */
class TappedMemoryTransport extends MemoryTransport implements Transport {
  readonly handlers = new Map<string, EnvelopeHandler>();

  override async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    this.handlers.set(messageClass, handler);
    return super.subscribe(messageClass, handler, options);
  }
}

const envelopeOf = (messageClass: string, data: object): Envelope => ({
  header: {
    uuid: `u-${Math.random()}`,
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: 1,
    from: 'tests',
    serializer: 'json',
  },
  payload: JSON.stringify(data),
});

describe('a frame whose type is not the one its subscription is for', () => {
  it('is set aside as misrouted, runs no handler, and its delivery resolves (a durable transport acks it)', async () => {
    const transport = new TappedMemoryTransport();
    const undeliverable: UndeliverableMessage[] = [];
    const bus = new MessageBus({
      entity: 'tests',
      logger: silent,
      transports: { memory: transport },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    const pings: number[] = [];
    const commands: string[] = [];
    await bus.subscribe(RoutedPing, (m) => void pings.push(m.seq));
    await bus.subscribe(RoutedAdmin, (m) => void commands.push(m.command));
    await bus.start();
    try {
      const onPingSubscription = transport.handlers.get('RoutedPing')!;
      await expect(onPingSubscription(envelopeOf('RoutedAdmin', { command: 'wipe' }), { attempt: 1 })).resolves.toBe(
        undefined,
      );
      await bus.publish(Object.assign(new RoutedPing(), { seq: 1 }));
      await waitFor(() => pings.length === 1, 'the ping');
      expect(commands).toEqual([]);
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]).toMatchObject({
        reason: 'misrouted',
        transport: 'memory',
        envelope: { header: { messageClass: 'RoutedAdmin' } },
        error: { code: 'SM_MISROUTED' },
      });
    } finally {
      await bus.shutdown(1000);
    }
  });
});
