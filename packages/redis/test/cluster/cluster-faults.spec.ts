import { Cluster } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Envelope, JsonSerializer, MessageHeader } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { TestRedisCluster } from '../support/redis-cluster';

// Each case gets a cluster of its own (about 2 s to start): it kills a primary or moves slots.
jest.setTimeout(120_000);

const json = new JsonSerializer();
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

function envelopeOf(messageClass: string, sequence: number): Envelope {
  const header: MessageHeader = {
    uuid: randomBytes(16).toString('hex'),
    messageClass,
    version: 1,
    publishedAt: new Date().toISOString(),
    publisherPid: process.pid,
    from: 'cluster-fault-tests',
    serializer: 'json',
  };
  return { header, payload: json.encode({ sequence }) };
}

const sequenceOf = (envelope: Envelope): number =>
  (json.decode(envelope.payload as Buffer) as { sequence: number }).sequence;

/**
 * Publishes `messageClass` with `inFlight` publishes at a time until stopped; remembers which
 * publishes resolved, and which were sent only after `markSent()` was called.
 */
class PublishLoad {
  readonly resolved: number[] = [];
  readonly failed: { sequence: number; error: string }[] = [];
  readonly sentAfterMark = new Set<number>();
  private next = 0;
  private marked = false;
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly transport: RedisStreamsTransport | RedisPubSubTransport,
    private readonly messageClass: string,
    inFlight = 4,
  ) {
    this.done = Promise.all(Array.from({ length: inFlight }, () => this.worker())).then(() => undefined);
  }

  mark(): void {
    this.marked = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async worker(): Promise<void> {
    while (this.running) {
      const sequence = this.next++;
      if (this.marked) this.sentAfterMark.add(sequence);
      try {
        await this.transport.publish(envelopeOf(this.messageClass, sequence));
        this.resolved.push(sequence);
      } catch (error) {
        this.failed.push({ sequence, error: (error as Error).message });
      }
      // Yield, so the load does not starve the consumer in this same process.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

describe('Redis Streams on a Redis Cluster under faults', () => {
  let cluster: TestRedisCluster;
  let admin: Cluster;
  const transports: (RedisStreamsTransport | RedisPubSubTransport)[] = [];
  const streams = (
    options: Partial<ConstructorParameters<typeof RedisStreamsTransport>[0]> = {},
  ): RedisStreamsTransport => {
    const transport = new RedisStreamsTransport({
      cluster: { nodes: cluster.seeds },
      blockMs: 500,
      claimIdleMs: 60_000,
      logger: silent,
      ...options,
    });
    transports.push(transport);
    return transport;
  };

  beforeEach(async () => {
    cluster = await TestRedisCluster.start();
    admin = new Cluster(cluster.seeds);
    admin.on('error', () => undefined);
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
    admin.disconnect();
    await cluster.stop();
  });

  afterAll(async () => {
    // ioredis leaves timers of its own running after a Cluster that lost a node is closed (slot
    // refreshes and shard subscriber retries, about a second each); they end within ~2 s, and
    // jest must not see them as handles this file left open.
    await new Promise((resolve) => setTimeout(resolve, 2500));
  });

  it('loses nothing replicated when the primary of a stream is killed under publish load, and keeps consuming', async () => {
    const publisher = streams();
    const consumer = streams();
    const messageClass = `Failover_${randomBytes(4).toString('hex')}`;
    const handled = new Set<number>();
    await consumer.subscribe(messageClass, async (envelope) => void handled.add(sequenceOf(envelope)), {
      group: 'failover',
      concurrency: 8,
    });
    const load = new PublishLoad(publisher, messageClass);
    await waitFor(() => load.resolved.length >= 200, 'publishes before the kill', { timeoutMs: 30_000 });

    // Everything resolved so far is on the replica once its offset reaches the primary's.
    const primary = await cluster.primaryOf(consumer.streamOf(messageClass));
    const replicated = [...load.resolved];
    const masterOffset = await cluster.onNode(primary, async (client) =>
      Number(/master_repl_offset:(\d+)/.exec(await client.info('replication'))?.[1]),
    );
    await waitFor(
      async () =>
        cluster.onNode(primary, async (client) => {
          const offset = /slave0:[^\n]*offset=(\d+)/.exec(await client.info('replication'))?.[1];
          return Number(offset) >= masterOffset;
        }),
      'the replica caught up',
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    await cluster.kill(primary);
    load.mark();
    // The load goes on through the failover (publishes wait in the cluster's offline queue).
    const resolvedAtKill = load.resolved.length;
    await waitFor(() => load.resolved.length >= resolvedAtKill + 200, 'publishes after the failover', {
      timeoutMs: 60_000,
    });
    await load.stop();

    const mustArrive = [...replicated, ...load.resolved.filter((sequence) => load.sentAfterMark.has(sequence))];
    await waitFor(() => mustArrive.every((sequence) => handled.has(sequence)), 'every replicated and later message', {
      timeoutMs: 60_000,
    });
    expect(mustArrive.filter((sequence) => !handled.has(sequence))).toEqual([]);
    expect(load.failed).toEqual([]);
    // What may be lost: only publishes resolved by the old primary between the replica check and the kill.
    const lost = load.resolved.filter((sequence) => !handled.has(sequence));
    expect(lost.every((sequence) => !replicated.includes(sequence) && !load.sentAfterMark.has(sequence))).toBe(true);
    await waitFor(async () => (await consumer.health(2000)).up, 'the consumer healthy again', {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  });

  it('keeps the group and its pending entries when the slots of streams move under load, and handles every message', async () => {
    const publisher = streams();
    const lines: string[] = [];
    const keep = (message: string): void => void lines.push(message);
    const consumer = streams({ blockMs: 30_000, logger: { log: keep, warn: keep, error: keep } });
    const loaded = `Moved_${randomBytes(4).toString('hex')}`;
    const idle = `Idle_${randomBytes(4).toString('hex')}`;
    const handled = new Set<number>();
    const idleHandled: number[] = [];
    // The first five entries are held by their handler: pending in the group while the slot moves.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await consumer.subscribe(
      loaded,
      async (envelope) => {
        const sequence = sequenceOf(envelope);
        if (sequence < 5) await released;
        handled.add(sequence);
      },
      { group: 'movers', concurrency: 16 },
    );
    await consumer.subscribe(idle, async (envelope) => void idleHandled.push(sequenceOf(envelope)), {
      group: 'movers',
      concurrency: 1,
    });
    const load = new PublishLoad(publisher, loaded);
    await waitFor(() => load.resolved.length >= 100, 'publishes before the move', { timeoutMs: 30_000 });

    const idleKey = consumer.streamOf(idle);
    const idleOwner = await cluster.primaryOf(idleKey);
    // The idle stream's reader is blocked in XREADGROUP on its node (BLOCK 30 s) when its slot moves.
    await waitFor(
      async () =>
        cluster.onNode(idleOwner, async (client) =>
          String(await client.client('LIST'))
            .split('\n')
            .some((line) => / cmd=xreadgroup/.test(line) && / flags=b/.test(line)),
        ),
      'the idle reader blocked',
      { intervalMs: 50 },
    );
    const loadedKey = consumer.streamOf(loaded);
    const loadedOwner = await cluster.primaryOf(loadedKey);
    const primaries = await cluster.primaries();
    await cluster.moveSlot(
      Number(await admin.cluster('KEYSLOT', loadedKey)),
      primaries.find((p) => p !== loadedOwner)!,
    );
    await cluster.moveSlot(
      Number(await admin.cluster('KEYSLOT', idleKey)),
      primaries.find((p) => p !== idleOwner)!,
    );
    expect(await cluster.primaryOf(loadedKey)).not.toBe(loadedOwner);
    expect(await cluster.primaryOf(idleKey)).not.toBe(idleOwner);

    // The group and the held entries arrived on the new owner.
    const pending = (await admin.xpending(loadedKey, 'movers')) as [number, ...unknown[]];
    expect(Number(pending[0])).toBeGreaterThanOrEqual(5);
    // The reader unblocked by the move reads again.
    await publisher.publish(envelopeOf(idle, 42));
    await waitFor(() => idleHandled.length === 1, 'the idle stream read after its slot moved', { timeoutMs: 30_000 });
    expect(idleHandled).toEqual([42]);
    // The slot move (UNBLOCKED, MOVED, ASK) is a retry, never a lost group nor a failing read.
    expect(lines.filter((line) => /Consumer group missing|Reading streams failed/.test(line))).toEqual([]);

    const resolvedAtMove = load.resolved.length;
    await waitFor(() => load.resolved.length >= resolvedAtMove + 100, 'publishes after the move', {
      timeoutMs: 30_000,
    });
    await load.stop();
    release();
    await waitFor(() => load.resolved.every((sequence) => handled.has(sequence)), 'every message handled', {
      timeoutMs: 60_000,
    });
    expect(load.failed).toEqual([]);
    await waitFor(
      async () => Number(((await admin.xpending(loadedKey, 'movers')) as [number])[0]) === 0,
      'every entry acknowledged',
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  });

  it('keeps classic and sharded pub/sub subscribers receiving after the primary of their channel is killed', async () => {
    const make = (sharded: boolean): RedisPubSubTransport => {
      const transport = new RedisPubSubTransport({ cluster: { nodes: cluster.seeds }, sharded, logger: silent });
      transports.push(transport);
      return transport;
    };
    const channel = `PubSubFailover_${randomBytes(4).toString('hex')}`;
    const received = { classic: new Set<number>(), sharded: new Set<number>() };
    const subscribers = { classic: make(false), sharded: make(true) };
    const publishers = { classic: make(false), sharded: make(true) };
    for (const mode of ['classic', 'sharded'] as const)
      await subscribers[mode].subscribe(channel, async (envelope) => void received[mode].add(sequenceOf(envelope)), {
        group: 'pubsub',
        concurrency: 1,
      });
    for (const mode of ['classic', 'sharded'] as const) {
      await publishers[mode].publish(envelopeOf(channel, 1));
      await waitFor(() => received[mode].has(1), `${mode} delivery before the kill`);
    }
    await cluster.kill(await cluster.primaryOf(channel));
    // Pub/sub is at-most-once: what is published during the failover may be lost. Afterwards,
    // each subscriber receives again, once per message.
    let sequence = 100;
    for (const mode of ['classic', 'sharded'] as const) {
      await waitFor(
        async () => {
          const sent = sequence++;
          await publishers[mode].publish(envelopeOf(channel, sent)).catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 50));
          return received[mode].has(sent);
        },
        `${mode} delivery after the failover`,
        { timeoutMs: 60_000 },
      );
    }
  });
});
