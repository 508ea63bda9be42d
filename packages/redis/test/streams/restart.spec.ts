import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Redis } from 'ioredis';
import { Message, MessageBus, MessageLogger } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { uniquePrefix } from '../support/redis-keys';
import { TestRedisServer } from '../support/redis-server';

@Message({ name: 'RestartJob', from: 'tests' })
class RestartJob {
  @IsInt() seq!: number;
}

const job = (seq: number): RestartJob => Object.assign(new RestartJob(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const GROUP = 'restart-workers';
const READER = `smart-message:streams:reader:${GROUP}`;
const RECOVERY = { timeoutMs: 20_000 };

function recordingLogger(): MessageLogger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string): void => void lines.push(message);
  return { lines, log: record, warn: record, error: record } as MessageLogger & { lines: string[] };
}

/**
 * The consumer's command connection, owned by the test so it can come back later than the
 * reader, as it did in the outage of issue 9: while `held`, it does not reconnect by itself.
 */
function commandConnection(url: string): Redis & { hold(held: boolean): void } {
  let held = false;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => (held ? null : 25),
  }) as Redis & { hold(held: boolean): void };
  client.on('error', () => undefined);
  client.hold = (value) => (held = value);
  return client;
}

/** The fields of the group's XINFO GROUPS row (Redis 7: `lag`, `entries-read`), as a list or a map (ioredis 6 with RESP3). */
async function groupInfo(admin: Redis, stream: string): Promise<Record<string, unknown>> {
  const groups = (await admin.xinfo('GROUPS', stream)) as unknown[];
  for (const row of groups) {
    const info: Record<string, unknown> = {};
    if (Array.isArray(row))
      for (let index = 0; index + 1 < row.length; index += 2) info[String(row[index])] = row[index + 1];
    else Object.assign(info, row instanceof Map ? Object.fromEntries(row) : row);
    if (String(info.name) === GROUP) return info;
  }
  throw new Error(`no group ${GROUP} on ${stream}`);
}

async function pendingCount(admin: Redis, stream: string): Promise<number> {
  return ((await admin.xpending(stream, GROUP)) as [number])[0];
}

/** Seconds since the consumer's reader connection last sent a command, or undefined while it is not connected. */
async function readerIdleSeconds(admin: Redis): Promise<number | undefined> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((row) => row.includes(` name=${READER} `));
  const idle = line?.match(/ idle=(\d+) /)?.[1];
  return idle === undefined ? undefined : Number(idle);
}

describe('Redis Streams consumer across a Redis restart', () => {
  let server: TestRedisServer;
  let admin: Redis;
  let prefix: string;
  const buses: MessageBus[] = [];
  const clients: Redis[] = [];

  const stream = (): string => `${prefix}RestartJob`;
  const consumerBus = (transport: RedisStreamsTransport): MessageBus => {
    const bus = new MessageBus({ entity: GROUP, transports: { streams: transport } });
    buses.push(bus);
    return bus;
  };
  /** Publishes on connections of its own, so it goes on while the consumer's command connection is held back. */
  const publisherBus = (): MessageBus => {
    const bus = new MessageBus({
      entity: 'restart-publisher',
      transports: { streams: new RedisStreamsTransport({ url: server.url, prefix, logger: silent }) },
    });
    buses.push(bus);
    return bus;
  };

  beforeEach(async () => {
    // Append-only file fsynced on every write, in a directory of its own: the stream, the group
    // and its pending entries survive the kill.
    server = await TestRedisServer.start();
    admin = new Redis(server.url, { maxRetriesPerRequest: null });
    admin.on('error', () => undefined);
    prefix = uniquePrefix('restart');
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000).catch(() => undefined)));
    for (const client of clients.splice(0)) client.disconnect();
    admin.disconnect();
    await server.stop();
  });

  it('loses nothing and handles twice at most what was in flight when Redis restarted, though the command connection comes back after the reader', async () => {
    const commands = commandConnection(server.url);
    clients.push(commands);
    const consumer = consumerBus(
      new RedisStreamsTransport({
        client: commands,
        prefix,
        blockMs: 100,
        claimIdleMs: 1000,
        claimIntervalMs: 100,
        logger: silent,
      }),
    );
    const started = new Map<number, number>();
    const finished = new Set<number>();
    await consumer.subscribe(
      RestartJob,
      async ({ seq }) => {
        started.set(seq, (started.get(seq) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished.add(seq);
      },
      { concurrency: 4 },
    );
    await consumer.start();

    const publisher = publisherBus();
    const published = new Set<number>();
    let publishing = true;
    const steady = (async () => {
      for (let seq = 0; publishing; seq++) {
        try {
          await publisher.publish(job(seq));
          published.add(seq);
        } catch {
          // Not published (Redis was down past publishTimeoutMs): not expected to be handled.
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await waitFor(
        () => finished.size >= 40,
        () => `40 jobs handled before the restart (${finished.size})`,
        RECOVERY,
      );

      // The command connection stays down after the restart until the test lets it back.
      commands.hold(true);
      // In flight at the restart: handler calls started and not finished, from the handler's record.
      const inFlightAtRestart = [...started.keys()].filter((seq) => !finished.has(seq)).length;
      await server.restart();

      // The reader is back and entries keep arriving while acknowledgements cannot be sent.
      await waitFor(async () => (await readerIdleSeconds(admin)) !== undefined, 'the reader to reconnect', RECOVERY);
      const publishedWhenReaderBack = published.size;
      await waitFor(
        () => published.size >= publishedWhenReaderBack + 30,
        () => `30 jobs published while only the reader is back (${published.size - publishedWhenReaderBack})`,
        RECOVERY,
      );

      commands.hold(false);
      await commands.connect();
      const handledBeforeRecovery = finished.size;
      await waitFor(
        () => finished.size >= handledBeforeRecovery + 40,
        () => `40 more jobs handled after recovery (${finished.size - handledBeforeRecovery})`,
        RECOVERY,
      );
      publishing = false;
      await steady;

      await waitFor(
        () => [...published].every((seq) => finished.has(seq)),
        () => `every published job handled (missing ${[...published].filter((seq) => !finished.has(seq)).join(',')})`,
        RECOVERY,
      );
      await waitFor(async () => (await pendingCount(admin, stream())) === 0, 'every entry acknowledged', RECOVERY);

      const duplicates = [...started.values()].reduce((sum, calls) => sum + calls - 1, 0);
      expect(duplicates).toBeLessThanOrEqual(inFlightAtRestart);
    } finally {
      publishing = false;
      await steady;
    }
  }, 60_000);

  it('sends an acknowledgement that failed for the lost connection once Redis is back, without handling the entry again', async () => {
    const logger = recordingLogger();
    const consumer = consumerBus(
      // No claim round within the test: only the kept acknowledgement can clear the pending entry.
      new RedisStreamsTransport({ url: server.url, prefix, blockMs: 100, claimIdleMs: 600_000, logger }),
    );
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await consumer.subscribe(RestartJob, async () => {
      calls++;
      await gate;
    });
    await consumer.start();
    await publisherBus().publish(job(1));
    await waitFor(() => calls === 1, 'the handler to start');

    await server.kill();
    // Finishes while Redis is down: its XACK fails for the lost connection.
    release();
    await waitFor(
      () => logger.lines.some((line) => /^Acknowledging stream entries failed/.test(line)),
      () => `the failed acknowledgement (${JSON.stringify(logger.lines)})`,
    );
    await server.restart();

    await waitFor(async () => (await pendingCount(admin, stream())) === 0, 'the kept acknowledgement', RECOVERY);
    expect(calls).toBe(1);
  }, 60_000);

  it('reads no new entries while an acknowledgement waits for the command connection, and reads them once it is sent', async () => {
    const commands = commandConnection(server.url);
    clients.push(commands);
    const logger = recordingLogger();
    const consumer = consumerBus(
      new RedisStreamsTransport({ client: commands, prefix, blockMs: 100, claimIdleMs: 600_000, logger }),
    );
    const calls: number[] = [];
    /** Per job after the first: was the first job still unacknowledged when its handler started? */
    const firstStillPending: boolean[] = [];
    let firstId = '';
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await consumer.subscribe(
      RestartJob,
      async ({ seq }) => {
        calls.push(seq);
        if (seq === 0) await gate;
        else firstStillPending.push((await admin.xpending(stream(), GROUP, firstId, firstId, 1)).length > 0);
      },
      { concurrency: 4 },
    );
    await consumer.start();
    const publisher = publisherBus();
    await publisher.publish(job(0));
    await waitFor(() => calls.length === 1, 'the first handler to start');
    firstId = (await admin.xrange(stream(), '-', '+', 'COUNT', 1))[0]![0];

    // Only the command connection is lost; the reader stays connected.
    commands.hold(true);
    commands.disconnect();
    release();
    await waitFor(
      () => logger.lines.some((line) => /^Acknowledging stream entries failed/.test(line)),
      () => `the acknowledgement to be kept (${JSON.stringify(logger.lines)})`,
    );
    // The reader stops reading: no XREADGROUP for a whole second (it would come back every blockMs).
    // Redis counts idle in whole seconds of its clock, so 2 is the first value that means a second.
    await waitFor(
      async () => ((await readerIdleSeconds(admin)) ?? 0) >= 2,
      'the reader to stop reading while the acknowledgement cannot be sent',
      { timeoutMs: 10_000 },
    );
    for (let seq = 1; seq <= 4; seq++) await publisher.publish(job(seq));
    const during = await groupInfo(admin, stream());
    expect(during.lag).toBe(4);
    expect(calls).toEqual([0]);

    commands.hold(false);
    await commands.connect();
    await waitFor(
      () => calls.length === 5,
      () => `the 4 jobs published meanwhile (${calls.length - 1})`,
      RECOVERY,
    );
    await waitFor(async () => (await pendingCount(admin, stream())) === 0, 'every entry acknowledged', RECOVERY);
    expect([...calls].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(firstStillPending).toEqual([false, false, false, false]);
  }, 60_000);
});
