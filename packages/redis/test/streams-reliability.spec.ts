import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsInt } from 'class-validator';
import { Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { RedisStreamsTransport, RedisStreamsTransportOptions } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

@Message({ name: 'StreamJob', from: 'tests' })
class StreamJob {
  @IsInt() seq!: number;
}

const job = (seq: number): StreamJob => Object.assign(new StreamJob(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('Redis Streams reliability', () => {
  const prefix = uniquePrefix('streams-reliability');
  const redis = new Redis();
  const buses: MessageBus[] = [];
  let testPrefix: string;
  let undeliverable: UndeliverableMessage[];

  const bus = (options: RedisStreamsTransportOptions = {}): MessageBus => {
    undeliverable = [];
    const created = new MessageBus({
      entity: 'workers',
      transports: {
        streams: new RedisStreamsTransport({ prefix: testPrefix, blockMs: 100, logger: silent, ...options }),
      },
      onUndeliverable: (event) => undeliverable.push(event),
    });
    buses.push(created);
    return created;
  };
  const stream = (): string => `${testPrefix}StreamJob`;

  beforeEach(() => {
    testPrefix = `${prefix}${Math.random().toString(36).slice(2, 8)}:`;
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.shutdown(1000)));
  });

  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('records an undecodable entry in the dead-letter stream, acknowledges it and keeps consuming', async () => {
    const b = bus();
    const seen: number[] = [];
    await b.subscribe(StreamJob, (m) => void seen.push(m.seq));
    await b.start();
    await redis.xadd(stream(), '*', 'frame', 'this is not a frame');
    await b.publish(job(1));
    await waitFor(() => seen.length === 1 && undeliverable.length === 1, 'the valid job and the rejection');

    expect(seen).toEqual([1]);
    expect(undeliverable[0]).toMatchObject({
      reason: 'undecodable',
      transport: 'streams',
      error: { code: 'SM_FRAME_DECODE' },
    });
    const dead = await redis.xrange(`${stream()}:dead-letters`, '-', '+');
    expect(dead).toHaveLength(1);
    const fields = Object.fromEntries(chunk(dead[0]![1]));
    expect(fields).toMatchObject({ reason: 'undecodable', frame: 'this is not a frame', group: 'workers' });
    await waitFor(async () => (await pendingCount(redis, stream(), 'workers')) === 0, 'the entries to be acknowledged');
  });

  it('redelivers a failed message with a rising attempt and sets it aside as poison after maxDeliveries', async () => {
    const b = bus({ claimIdleMs: 50, claimIntervalMs: 25, maxDeliveries: 3 });
    const attempts: number[] = [];
    await b.subscribe(StreamJob, (_m, context) => {
      attempts.push(context.attempt);
      throw new Error('always fails');
    });
    await b.start();
    await b.publish(job(7));
    await waitFor(() => undeliverable.some((event) => event.reason === 'poison'), 'the poison report', {
      timeoutMs: 10_000,
    });

    expect(attempts).toEqual([1, 2, 3]);
    const dead = await redis.xrange(`${stream()}:dead-letters`, '-', '+');
    expect(Object.fromEntries(chunk(dead[0]![1]))).toMatchObject({ reason: 'poison', deliveries: '3' });
    await waitFor(
      async () => (await pendingCount(redis, stream(), 'workers')) === 0,
      'the poison entry to be acknowledged',
    );
  });

  it('reports a pending entry that was trimmed away instead of retrying it forever', async () => {
    const b = bus({ claimIdleMs: 50, claimIntervalMs: 25, maxDeliveries: 100 });
    let calls = 0;
    await b.subscribe(StreamJob, () => {
      calls++;
      throw new Error('fails, so the entry stays pending');
    });
    await b.start();
    await b.publish(job(1));
    await waitFor(() => calls >= 1, 'the first delivery');
    await redis.xtrim(stream(), 'MAXLEN', 0);
    await waitFor(() => undeliverable.some((event) => event.reason === 'trimmed'), 'the trimmed report', {
      timeoutMs: 10_000,
    });
    await waitFor(async () => (await pendingCount(redis, stream(), 'workers')) === 0, 'the pending list to empty');
  });

  it('never holds more entries than the handler concurrency allows', async () => {
    const transport = new RedisStreamsTransport({ prefix: testPrefix, blockMs: 100, batchSize: 50, logger: silent });
    const b = new MessageBus({ entity: 'workers', transports: { streams: transport } });
    buses.push(b);
    let running = 0;
    let highestRunning = 0;
    let done = 0;
    await b.subscribe(
      StreamJob,
      async () => {
        running++;
        highestRunning = Math.max(highestRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        done++;
      },
      { concurrency: 3 },
    );
    await b.start();
    let highestHeld = 0;
    const sampling = setInterval(() => {
      highestHeld = Math.max(highestHeld, ...transport.status().groups.map((group) => group.inFlight));
    }, 1);
    await Promise.all(Array.from({ length: 60 }, (_, seq) => b.publish(job(seq))));
    await waitFor(
      () => done === 60,
      () => `60 jobs handled (${done})`,
      { timeoutMs: 10_000 },
    );
    clearInterval(sampling);

    expect(highestRunning).toBe(3);
    // Entries read from Redis and not yet finished never exceed what the handlers can run.
    expect(highestHeld).toBeGreaterThan(0);
    expect(highestHeld).toBeLessThanOrEqual(3);
  });

  it('keeps the entries of a handler slower than claimIdleMs from being claimed while it runs', async () => {
    const b = bus({ claimIdleMs: 150, claimIntervalMs: 40 });
    const attempts: number[] = [];
    let done = 0;
    await b.subscribe(StreamJob, async (_m, context) => {
      attempts.push(context.attempt);
      await new Promise((resolve) => setTimeout(resolve, 600));
      done++;
    });
    await b.start();
    await b.publish(job(1));
    await b.publish(job(2));
    await waitFor(
      () => done === 2,
      () => `2 jobs done (${done})`,
      { timeoutMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toEqual([1, 1]);
  });

  it('leaves its consumer group on shutdown when it holds nothing', async () => {
    const b = bus();
    let handled = 0;
    await b.subscribe(StreamJob, () => void handled++);
    await b.start();
    await b.publish(job(1));
    // No pending entry is also what Redis shows before the job is read: wait for the handler first,
    // or the read, the handling and the ack race the shutdown below.
    await waitFor(() => handled === 1, 'the job to be handled');
    await waitFor(async () => (await pendingCount(redis, stream(), 'workers')) === 0, 'the job to be acknowledged');
    const consumers = async (): Promise<unknown[]> =>
      (await redis.xinfo('CONSUMERS', stream(), 'workers')) as unknown[];
    expect(await consumers()).toHaveLength(1);
    await b.shutdown(1000);
    expect(await consumers()).toHaveLength(0);
  });

  it('takes back every entry it left pending under its name at start, though they are more than its concurrency', async () => {
    const name = `stable-${Math.random().toString(36).slice(2, 8)}`;
    await redis.xgroup('CREATE', stream(), 'workers', '$', 'MKSTREAM');
    const publisher = bus();
    await publisher.start();
    for (let seq = 0; seq < 10; seq++) await publisher.publish(job(seq));
    // An earlier run under the same name read all ten and was killed before it handled any
    // (a read in flight and acks not yet sent can leave more than its concurrency pending).
    await redis.xreadgroup('GROUP', 'workers', name, 'COUNT', 10, 'STREAMS', stream(), '>');

    // No claim round within the test: only the start-up recovery can bring them back.
    const restarted = bus({ consumerName: name, claimIdleMs: 600_000 });
    const attempts = new Map<number, number>();
    await restarted.subscribe(
      StreamJob,
      async (m, context) => {
        attempts.set(m.seq, context.attempt);
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
      { concurrency: 2 },
    );
    await restarted.start();
    await waitFor(
      () => attempts.size === 10,
      () => `the 10 entries left pending (${attempts.size})`,
    );
    expect([...attempts.values()]).toEqual(Array.from({ length: 10 }, () => 2));
    await waitFor(async () => (await pendingCount(redis, stream(), 'workers')) === 0, 'the entries to be acknowledged');
  });

  it('on shutdown finishes and acknowledges in-flight entries and leaves unread ones for another instance', async () => {
    const first = bus();
    const handledByFirst: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await first.subscribe(
      StreamJob,
      async (m) => {
        await held;
        handledByFirst.push(m.seq);
      },
      { concurrency: 2 },
    );
    await first.start();
    for (let seq = 0; seq < 10; seq++) await first.publish(job(seq));
    await waitFor(async () => (await pendingCount(redis, stream(), 'workers')) === 2, 'two entries in flight');

    const shutdown = first.shutdown(5000);
    release();
    const report = await shutdown;
    expect(report.drained).toBe(true);
    expect(handledByFirst).toHaveLength(2);
    expect(await pendingCount(redis, stream(), 'workers')).toBe(0);

    const second = bus();
    const handledBySecond: number[] = [];
    await second.subscribe(StreamJob, (m) => void handledBySecond.push(m.seq));
    await second.start();
    await waitFor(
      () => handledBySecond.length === 8,
      () => `the 8 unread jobs (${handledBySecond.length})`,
    );
    expect([...handledByFirst, ...handledBySecond].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

function chunk(fields: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) pairs.push([fields[index]!, fields[index + 1]!]);
  return pairs;
}

async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  const summary = (await redis.xpending(stream, group)) as [number, ...unknown[]];
  return summary[0];
}
