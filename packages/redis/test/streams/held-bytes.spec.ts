import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'BulkyJob', from: 'tests' })
class BulkyJob {
  @IsInt() seq!: number;
  @IsString() body!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const ENTRY_BYTES = 200_000;
const BUDGET = 300_000;

describe('Redis Streams maxHeldBytes', () => {
  const prefix = uniquePrefix('streams-held-bytes');

  afterAll(async () => {
    await deleteKeys(prefix);
  });

  it('reads no more entries while those it holds fill the byte budget, whatever the concurrency allows', async () => {
    const transport = new RedisStreamsTransport({ prefix, blockMs: 100, maxHeldBytes: BUDGET, logger: silent });
    const bus = new MessageBus({ entity: 'bulky', transports: { streams: transport } });
    let started = 0;
    let running = 0;
    let highestRunning = 0;
    let released = 0;
    const handled: number[] = [];
    await bus.subscribe(
      BulkyJob,
      async (m) => {
        const turn = ++started;
        running++;
        highestRunning = Math.max(highestRunning, running);
        await waitFor(() => released >= turn, `release of job ${m.seq}`, { timeoutMs: 20_000 });
        running--;
        handled.push(m.seq);
      },
      { concurrency: 10 },
    );
    await bus.start();
    let highestHeldBytes = 0;
    const sampling = setInterval(() => {
      highestHeldBytes = Math.max(highestHeldBytes, transport.status().heldBytes);
    }, 1);
    try {
      for (let seq = 0; seq < 4; seq++)
        await bus.publish(Object.assign(new BulkyJob(), { seq, body: 'x'.repeat(ENTRY_BYTES) }));
      for (let turn = 1; turn <= 4; turn++) {
        await waitFor(
          () => started >= turn,
          () => `job ${turn} to start (${started} started)`,
        );
        // Settle: with room for ten handlers, a read ignoring the budget would start the others now.
        await new Promise((resolve) => setTimeout(resolve, 150));
        released++;
      }
      await waitFor(
        () => handled.length === 4,
        () => `4 jobs handled (${handled.length})`,
      );
    } finally {
      clearInterval(sampling);
      await bus.shutdown(1000);
    }

    expect(handled.sort()).toEqual([0, 1, 2, 3]);
    // Two 200 kB entries do not fit a 300 kB budget: one is held at a time.
    expect(highestRunning).toBe(1);
    expect(highestHeldBytes).toBeGreaterThan(ENTRY_BYTES);
    expect(highestHeldBytes).toBeLessThanOrEqual(BUDGET);
  });
});
