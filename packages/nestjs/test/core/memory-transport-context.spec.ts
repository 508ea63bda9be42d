import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { IsInt } from 'class-validator';
import { MemoryTransport, Message, MessageBus, MessageHeader, UndeliverableMessage } from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'ContextProbe', from: 'tests' })
class ContextProbe {
  @IsInt() seq!: number;
}

const probe = (seq: number): ContextProbe => Object.assign(new ContextProbe(), { seq });

const HEADER: MessageHeader = {
  uuid: '',
  messageClass: 'ContextProbe',
  version: 1,
  publishedAt: '2026-11-27T00:00:00.000Z',
  publisherPid: 1,
  from: 'tests',
  serializer: 'json',
};

describe('MemoryTransport delivery', () => {
  let bus: MessageBus;

  afterEach(async () => {
    await bus.shutdown();
  });

  it("runs each handler call in its own publisher's async context, even for publishes of one turn", async () => {
    const request = new AsyncLocalStorage<string>();
    bus = new MessageBus({ entity: 'tests', transports: { memory: new MemoryTransport() } });
    const seen: string[] = [];
    await bus.subscribe(ContextProbe, (message) => void seen.push(`${message.seq}:${request.getStore()}`));
    await bus.start();

    // Three publishes in one turn of the event loop, from three contexts.
    void request.run('req-1', () => bus.publish(probe(1)));
    void request.run('req-2', () => bus.publish(probe(2)));
    void bus.publish(probe(3));
    await waitFor(
      () => seen.length === 3,
      () => `3 calls (${seen.length})`,
    );

    expect(seen).toEqual(['1:req-1', '2:req-2', '3:undefined']);
  });

  it('starts no handler inside unsubscribe, and still delivers what was published before it', async () => {
    bus = new MessageBus({ entity: 'tests' });
    const transport = new MemoryTransport();
    const order: string[] = [];
    const subscription = await transport.subscribe(
      'ContextProbe',
      async (envelope) => void order.push(`handled ${envelope.header.uuid}`),
      { concurrency: 1, group: 'tests' },
    );
    const envelope = { header: { ...HEADER, uuid: 'u1' }, payload: '{"seq":1}' };

    await transport.publish(envelope);
    const done = subscription.unsubscribe().then(() => order.push('unsubscribed'));
    order.push('unsubscribe returned');
    await done;
    await transport.close();

    expect(order).toEqual(['unsubscribe returned', 'handled u1', 'unsubscribed']);
  });

  it('refuses what would overflow the bound at publish time, not a turn later', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    bus = new MessageBus({
      entity: 'tests',
      transports: { memory: new MemoryTransport({ maxQueuedDeliveries: 5 }) },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    await bus.subscribe(ContextProbe, () => undefined, { concurrency: 1 });
    await bus.start();

    // One turn: nothing has been handed over yet, so the bound must count what is due.
    for (let seq = 0; seq < 1000; seq++) void bus.publish(probe(seq));
    const refusedInTheSameTurn = undeliverable.length;

    expect(refusedInTheSameTurn).toBe(994);
    expect(undeliverable.every((event) => event.reason === 'overflow')).toBe(true);
  });
});
