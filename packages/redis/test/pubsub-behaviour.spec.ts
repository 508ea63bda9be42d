import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsInt } from 'class-validator';
import { Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { RedisPubSubTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { uniquePrefix } from './support/redis-keys';
import { TestRedisServer } from './support/redis-server';

@Message({ name: 'Tick', from: 'tests' })
class Tick {
  @IsInt() seq!: number;
}

@Message({ name: 'Tock', from: 'tests' })
class Tock {
  @IsInt() seq!: number;
}

const tick = (seq: number): Tick => Object.assign(new Tick(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('Redis pub/sub transport', () => {
  const redis = new Redis();
  const buses: MessageBus[] = [];
  let prefix: string;
  let undeliverable: UndeliverableMessage[];

  const bus = (transport: RedisPubSubTransport): MessageBus => {
    undeliverable = [];
    const created = new MessageBus({
      entity: 'listeners',
      transports: { pubsub: transport },
      onUndeliverable: (event) => undeliverable.push(event),
    });
    buses.push(created);
    return created;
  };

  beforeEach(() => {
    prefix = uniquePrefix('pubsub');
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.shutdown(1000)));
  });

  afterAll(() => redis.disconnect());

  it('reports a frame it cannot decode and keeps delivering', async () => {
    const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
    const seen: number[] = [];
    await b.subscribe(Tick, (m) => void seen.push(m.seq));
    await b.start();
    await redis.publish(`${prefix}Tick`, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    await b.publish(tick(1));
    await waitFor(() => seen.length === 1 && undeliverable.length === 1, 'the tick and the rejection');
    expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code: 'SM_FRAME_DECODE' } });
    expect(Buffer.from(undeliverable[0]!.frame as Uint8Array)).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  });

  it('sets aside what overflows a full local queue and says so, dropping nothing silently', async () => {
    const transport = new RedisPubSubTransport({ prefix, logger: silent, maxQueuedDeliveries: 5 });
    const b = bus(transport);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    await b.subscribe(
      Tick,
      async () => {
        await held;
        handled++;
      },
      { concurrency: 1 },
    );
    await b.start();
    for (let seq = 0; seq < 20; seq++) await b.publish(tick(seq));
    await waitFor(
      () => undeliverable.length === 14,
      () => `14 overflow reports (${undeliverable.length})`,
    );
    release();
    await waitFor(
      () => handled === 6,
      () => `6 handled (${handled})`,
    );

    expect(undeliverable.every((event) => event.reason === 'overflow')).toBe(true);
    expect(handled + undeliverable.length).toBe(20);
    expect(transport.status().overflowed).toBe(14);
  });

  it('subscribes to exactly the channels its handlers need, following handlers added and removed at run time', async () => {
    const b = bus(new RedisPubSubTransport({ prefix, logger: silent }));
    const channels = async (): Promise<string[]> => (await redis.pubsub('CHANNELS', `${prefix}*`)) as string[];
    await b.subscribe(Tick, () => undefined);
    await b.start();
    expect(await channels()).toEqual([`${prefix}Tick`]);

    const unsubscribe = await b.subscribe(Tock, () => undefined);
    expect((await channels()).sort()).toEqual([`${prefix}Tick`, `${prefix}Tock`]);
    await unsubscribe();
    await waitFor(async () => (await channels()).length === 1, 'the Tock channel to be dropped');
    expect(await channels()).toEqual([`${prefix}Tick`]);
  });

  it('keeps at most maxInFlightPublishes PUBLISH commands awaiting Redis, and sends them all', async () => {
    const transport = new RedisPubSubTransport({ prefix, logger: silent, maxInFlightPublishes: 2 });
    const b = bus(transport);
    const seen: number[] = [];
    await b.subscribe(Tick, (m) => void seen.push(m.seq));
    await b.start();
    await Promise.all(Array.from({ length: 50 }, (_, seq) => b.publish(tick(seq))));
    await waitFor(
      () => seen.length === 50,
      () => `50 ticks (${seen.length})`,
    );
    expect(transport.status().highestPublishesInFlight).toBe(2);
  });

  it('batches publishes when asked: several frames per PUBLISH, each delivered once, in order', async () => {
    const b = bus(new RedisPubSubTransport({ prefix, logger: silent, batch: { maxMessages: 10 } }));
    const seen: number[] = [];
    await b.subscribe(Tick, (m) => void seen.push(m.seq), { concurrency: 1 });
    await b.start();
    const listener = new Redis();
    const messages: string[] = [];
    await listener.subscribe(`${prefix}Tick`);
    listener.on('message', (_channel: string, message: string) => messages.push(message));
    try {
      await Promise.all(Array.from({ length: 25 }, (_, seq) => b.publish(tick(seq))));
      await waitFor(
        () => seen.length === 25,
        () => `25 ticks (${seen.length})`,
      );
      expect(seen).toEqual(Array.from({ length: 25 }, (_, seq) => seq));
      await waitFor(
        () => messages.length === 3,
        () => `3 PUBLISH messages (${messages.length})`,
      );
      // The batch format: a header line naming the count, then the frames.
      expect(messages.map((message) => message.split('\n').length - 1)).toEqual([10, 10, 5]);
      expect(messages.map((message) => message.split(' ', 2).join(' '))).toEqual([
        'SMBATCH1 10',
        'SMBATCH1 10',
        'SMBATCH1 5',
      ]);
    } finally {
      listener.disconnect();
    }
  });

  it('shares a client it is given and leaves it open when it closes', async () => {
    const shared = new Redis();
    try {
      const b = bus(new RedisPubSubTransport({ prefix, logger: silent, client: shared }));
      const seen: number[] = [];
      await b.subscribe(Tick, (m) => void seen.push(m.seq));
      await b.start();
      await b.publish(tick(1));
      await waitFor(() => seen.length === 1, 'the tick');
      await b.shutdown(1000);
      expect(await shared.ping()).toBe('PONG');
    } finally {
      shared.disconnect();
    }
  });

  describe('when Redis drops the subscriber', () => {
    let server: TestRedisServer;

    beforeAll(async () => {
      server = await TestRedisServer.start();
    });

    afterAll(() => server.stop());

    it('counts and reports the disconnect, re-subscribes once, and then delivers each message exactly once', async () => {
      const transport = new RedisPubSubTransport({ url: server.url, prefix, logger: silent });
      const b = bus(transport);
      const seen: number[] = [];
      await b.subscribe(Tick, (m) => void seen.push(m.seq));
      await b.start();
      await b.publish(tick(0));
      await waitFor(() => seen.length === 1, 'the first tick');

      const admin = new Redis(server.url);
      await admin.client('KILL', 'TYPE', 'pubsub');
      await waitFor(() => transport.status().subscriberDisconnects === 1, 'the disconnect to be counted');
      await waitFor(
        async () => ((await admin.pubsub('NUMSUB', `${prefix}Tick`)) as [string, number])[1] === 1,
        're-subscription',
      );
      admin.disconnect();

      for (let seq = 1; seq <= 50; seq++) await b.publish(tick(seq));
      await waitFor(
        () => seen.length >= 51,
        () => `51 ticks (${seen.length})`,
      );
      await b.publish(tick(1000));
      await waitFor(() => seen.includes(1000), 'a last tick, after which nothing else may arrive');

      expect(seen.filter((seq) => seq < 1000).sort((a, b) => a - b)).toEqual(Array.from({ length: 51 }, (_, i) => i));
      expect(transport.status().subscriber).toBe('ready');
    });

    it('recovers by itself when Redis restarts: publishing and receiving resume', async () => {
      const b = bus(new RedisPubSubTransport({ url: server.url, prefix, logger: silent }));
      const seen: number[] = [];
      await b.subscribe(Tick, (m) => void seen.push(m.seq));
      await b.start();
      await b.publish(tick(0));
      await waitFor(() => seen.includes(0), 'a tick before the restart');

      await server.restart();
      // At-most-once: ticks sent before the subscriber is back may be lost; later ones arrive.
      let seq = 1;
      await waitFor(
        async () => {
          await b.publish(tick(seq++));
          return seen.some((received) => received > 0);
        },
        'a tick after the restart',
        { timeoutMs: 15_000, intervalMs: 50 },
      );
    });
  });
});
