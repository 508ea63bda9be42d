import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { envelopeOf, TappedMemoryTransport } from './tapped-memory-transport';
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
