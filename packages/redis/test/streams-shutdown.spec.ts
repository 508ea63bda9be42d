import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsInt } from 'class-validator';
import { Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

@Message({ name: 'ShutdownJob', from: 'tests' })
class ShutdownJob {
  @IsInt() seq!: number;
}

const job = (seq: number): ShutdownJob => Object.assign(new ShutdownJob(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('Redis Streams: a shutdown that runs out of time', () => {
  const prefix = uniquePrefix('streams-shutdown');
  // Shared with the transport, so acknowledgements can still go through after the bus closed.
  const redis = new Redis();

  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('starts no queued call after close, dead-letters none of them and acknowledges only entries every handler finished', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const bus = new MessageBus({
      entity: 'workers',
      logger: silent,
      transports: { streams: new RedisStreamsTransport({ client: redis, prefix, blockMs: 100, logger: silent }) },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowStarted: number[] = [];
    const slowFinished: number[] = [];
    const fastHandled: number[] = [];
    await bus.subscribe(
      ShutdownJob,
      async (message) => {
        slowStarted.push(message.seq);
        await held;
        slowFinished.push(message.seq);
      },
      { concurrency: 1 },
    );
    await bus.subscribe(ShutdownJob, (message) => void fastHandled.push(message.seq), { concurrency: 4 });
    await bus.start();
    for (const seq of [1, 2, 3]) await bus.publish(job(seq));
    await waitFor(() => slowStarted.length === 1 && fastHandled.length === 3, 'the first calls to run');

    const report = await bus.shutdown(50);
    release();
    await waitFor(() => slowFinished.length === 1, 'the running call to end');
    // The running call's entry is acknowledged through the shared client; the two others stay pending.
    await waitFor(async () => (await pendingIds(redis, `${prefix}ShutdownJob`)).length === 2, 'one acknowledgement');

    expect(report.drained).toBe(false);
    expect(slowStarted).toEqual([1]);
    expect(undeliverable.filter((event) => event.reason === 'shutdown')).toEqual([]);
    const published = (await redis.xrange(`${prefix}ShutdownJob`, '-', '+')).map(([id]) => id);
    expect(await pendingIds(redis, `${prefix}ShutdownJob`)).toEqual(published.slice(1));
  });
});

async function pendingIds(redis: Redis, stream: string): Promise<string[]> {
  const entries = (await redis.xpending(stream, 'workers', '-', '+', 100)) as [string, ...unknown[]][];
  return entries.map(([id]) => id);
}
