import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { PayloadCodec, SerializerRegistry, StageRegistry } from '@smart-message/nestjs/transport-kit';
import { MessageTypeRegistry } from '../../src/catalog/message-type-registry';
import { Dispatcher } from '../../src/dispatcher/dispatcher';
import { MessageStatistics } from '../../src/statistics/message-statistics';
import { MessageValidator } from '../../src/validation/message-validator';
import { envelopeOf, TappedMemoryTransport } from './tapped-memory-transport';

@Message({ name: 'OrphanPing', from: 'tests' })
class OrphanPing {
  @IsInt() seq!: number;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function busWithTap(onUndeliverable: (event: UndeliverableMessage) => unknown) {
  const transport = new TappedMemoryTransport();
  const bus = new MessageBus({ entity: 'tests', logger: silent, transports: { memory: transport }, onUndeliverable });
  await bus.start();
  return { bus, transport };
}

describe('a well-formed message that no handler on its transport takes', () => {
  it('is reported as no-handler (SM_NO_HANDLER) when it arrives after the last handler was removed', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const { bus, transport } = await busWithTap((event) => void undeliverable.push(event));
    try {
      const remove = await bus.subscribe(OrphanPing, () => undefined);
      const subscription = transport.handlers.get('OrphanPing')!;
      await remove();
      // A broker that had already read the entry hands it over after the handler went away.
      await subscription(envelopeOf('OrphanPing', { seq: 7 }), { attempt: 1 });
      expect(undeliverable).toHaveLength(1);
      expect(undeliverable[0]).toMatchObject({
        reason: 'no-handler',
        transport: 'memory',
        envelope: { header: { messageClass: 'OrphanPing' } },
        error: { code: 'SM_NO_HANDLER', name: 'NoHandlerError' },
      });
      expect(undeliverable[0]!.error.message).toContain('No handler for OrphanPing on transport memory');
    } finally {
      await bus.shutdown(1000);
    }
  });

  it('is acknowledged only once its report was recorded: a listener that fails keeps it with a durable broker', async () => {
    const { bus, transport } = await busWithTap(() => Promise.reject(new Error('dead letter store is down')));
    try {
      const remove = await bus.subscribe(OrphanPing, () => undefined);
      const subscription = transport.handlers.get('OrphanPing')!;
      await remove();
      await expect(subscription(envelopeOf('OrphanPing', { seq: 8 }), { attempt: 1 })).rejects.toThrow(
        'dead letter store is down',
      );
    } finally {
      await bus.shutdown(1000);
    }
  });

  it('is not reported when a handler exists and only its filter leaves the message out (it was for someone else)', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const { bus, transport } = await busWithTap((event) => void undeliverable.push(event));
    try {
      await bus.subscribe(OrphanPing, () => undefined, { from: 'billing' });
      await transport.handlers.get('OrphanPing')!(envelopeOf('OrphanPing', { seq: 9 }), { attempt: 1 });
      expect(undeliverable).toEqual([]);
      expect(bus.statistics.forHandler(bus.routes()[0]!.handlerId)?.filteredOut).toBe(1);
    } finally {
      await bus.shutdown(1000);
    }
  });
});

// A subscription carries only its own type (anything else is misrouted), so a type this process never
// declared reaches the dispatcher only from a transport that reads every type; the dispatcher is asked directly.
describe('a well-formed message of a type this process does not declare', () => {
  it('is reported as unknown-type (SM_NO_HANDLER), so a dead letter store keeps it', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const dispatcher = new Dispatcher({
      payloads: new PayloadCodec(new SerializerRegistry(), new StageRegistry()),
      validator: new MessageValidator(),
      statistics: new MessageStatistics(),
      logger: silent,
      validateOnReceive: true,
      messageTypes: new MessageTypeRegistry(),
      onUndeliverable: (event) => void undeliverable.push(event),
    });

    await dispatcher.deliver(envelopeOf('NeverDeclared', { seq: 1 }), 'memory', { attempt: 1 });

    expect(undeliverable).toHaveLength(1);
    expect(undeliverable[0]).toMatchObject({
      reason: 'unknown-type',
      transport: 'memory',
      envelope: { header: { messageClass: 'NeverDeclared' } },
      error: { code: 'SM_NO_HANDLER', name: 'NoHandlerError' },
    });
  });
});
