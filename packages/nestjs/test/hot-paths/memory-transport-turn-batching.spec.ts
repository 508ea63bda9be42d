import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { IsInt } from 'class-validator';
import {
  MemoryTransport,
  MemoryTransportOptions,
  Message,
  MessageBus,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

/**
 * Shortcut: the memory transport collects what is published in one turn of the event loop and
 * hands it to the subscriptions in one `setImmediate`, each delivery in its own publisher's
 * async context (transports/memory.transport.ts, transports/due-deliveries.ts). Its twin
 * publishes the same messages one turn apart, so every hand-over holds one message.
 */

@Message({ name: 'TurnProbe', from: 'hot-paths' })
class TurnProbe {
  @IsInt() seq!: number;
}

const request = new AsyncLocalStorage<string>();
const COUNT = 30;

async function run(
  burst: boolean,
  options: MemoryTransportOptions = {},
): Promise<{ seen: string[]; overflow: number[] }> {
  const seen: string[] = [];
  const undeliverable: UndeliverableMessage[] = [];
  const bus = new MessageBus({
    entity: 'hot-paths',
    transports: { memory: new MemoryTransport(options) },
    onUndeliverable: (event) => void undeliverable.push(event),
  });
  try {
    await bus.subscribe(
      TurnProbe,
      async (probe) => {
        seen.push(`start ${probe.seq} in ${request.getStore()}`);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(`end ${probe.seq} in ${request.getStore()}`);
      },
      { concurrency: 2 },
    );
    await bus.start();
    for (let seq = 0; seq < COUNT; seq++) {
      // Every third publish comes from outside any request.
      const publish = (): Promise<unknown> => bus.publish(Object.assign(new TurnProbe(), { seq }));
      const published = seq % 3 === 2 ? publish() : request.run(`request ${seq}`, publish);
      if (!burst) {
        await published;
        // The next publish waits until this one was handed over (it has started, been refused or queued).
        await new Promise((resolve) => setImmediate(resolve));
      } else void published;
    }
    await waitFor(
      () => bus.statistics.forType('TurnProbe').received + undeliverable.length >= COUNT,
      () => `${COUNT} messages received or refused`,
    );
    await bus.idle();
    return {
      seen: seen.filter((line) => line.startsWith('start')),
      overflow: undeliverable
        .filter((event) => event.reason === 'overflow')
        .map((event) => JSON.parse(event.envelope?.payload as string).seq),
    };
  } finally {
    await bus.shutdown();
  }
}

describe('hot path: one memory hand-over per turn', () => {
  it('starts every handler call in order, each in its own publisher’s async context, as one hand-over per message does', async () => {
    const burst = await run(true);
    const oneByOne = await run(false);

    expect(burst.seen).toEqual(oneByOne.seen);
    expect(burst.seen).toHaveLength(COUNT);
    expect(burst.seen.slice(0, 3)).toEqual(['start 0 in request 0', 'start 1 in request 1', 'start 2 in undefined']);
  });

  it('ends every delivery in the context it started in, in both', async () => {
    // End lines are not compared between the two: which call ends first at concurrency 2 depends on the timing.
    for (const burst of [true, false]) {
      const seen: string[] = [];
      const bus = new MessageBus({ entity: 'hot-paths', transports: { memory: new MemoryTransport() } });
      await bus.subscribe(TurnProbe, async (probe) => {
        const before = request.getStore();
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(`${probe.seq}: ${before} → ${request.getStore()}`);
      });
      await bus.start();
      for (let seq = 0; seq < 5; seq++) {
        const published = request.run(`r${seq}`, () => bus.publish(Object.assign(new TurnProbe(), { seq })));
        if (!burst) await published.then(() => new Promise((resolve) => setImmediate(resolve)));
      }
      await waitFor(() => seen.length === 5, 'five calls');
      await bus.shutdown();
      expect(seen.sort()).toEqual(['0: r0 → r0', '1: r1 → r1', '2: r2 → r2', '3: r3 → r3', '4: r4 → r4']);
    }
  });

  it('with a queue bound, delivers the same messages a bound too large to matter does', async () => {
    expect(await run(true, { maxQueuedDeliveries: 1_000_000 })).toEqual(await run(true));
  });
});
