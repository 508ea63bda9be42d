import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { MemoryTransport, Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'QueuedJob', from: 'tests' })
class QueuedJob {
  @IsInt() seq!: number;
}

const job = (seq: number): QueuedJob => Object.assign(new QueuedJob(), { seq });

describe('MemoryTransport maxQueuedDeliveries', () => {
  it('reports what overflows a full subscription queue as undeliverable, and delivers the rest', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const bus = new MessageBus({
      entity: 'tests',
      transports: { memory: new MemoryTransport({ maxQueuedDeliveries: 5 }) },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    await bus.subscribe(
      QueuedJob,
      async (message) => {
        await held;
        handled.push(message.seq);
      },
      { concurrency: 1 },
    );
    await bus.start();

    for (let seq = 0; seq < 20; seq++) await bus.publish(job(seq));
    // One running, five waiting: the other fourteen overflow.
    await waitFor(
      () => undeliverable.length === 14,
      () => `14 overflow reports (${undeliverable.length})`,
    );
    release();
    await waitFor(
      () => handled.length === 6,
      () => `6 handled (${handled.length})`,
    );
    await bus.shutdown();

    expect(handled).toEqual([0, 1, 2, 3, 4, 5]);
    expect(undeliverable.map((event) => event.reason)).toEqual(Array(14).fill('overflow'));
    expect(undeliverable.map((event) => (JSON.parse(event.envelope!.payload as string) as QueuedJob).seq)).toEqual([
      6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
  });

  it('queues without a bound by default', async () => {
    const bus = new MessageBus({ entity: 'tests', transports: { memory: new MemoryTransport() } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    await bus.subscribe(
      QueuedJob,
      async () => {
        await held;
        handled++;
      },
      { concurrency: 1 },
    );
    await bus.start();
    for (let seq = 0; seq < 1000; seq++) await bus.publish(job(seq));
    release();
    await waitFor(
      () => handled === 1000,
      () => `1000 handled (${handled})`,
    );
    await bus.shutdown();
  });
});
