import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { IsString } from 'class-validator';
import { Redis } from 'ioredis';
import { Message, Subscribe } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { TestRedisServer } from '../../redis/test/support/redis-server';
import { bootHealthApp, HealthApp, silentLogger, statusOf } from './support/boot-health-app';
import { RecordingRedis } from './support/recording-redis';

@Message({ name: 'DurableHealthJob', from: 'tests', transport: 'streams' })
class DurableHealthJob {
  @IsString() id!: string;
}

@Message({ name: 'BroadcastHealthNote', from: 'tests', transport: 'pubsub' })
class BroadcastHealthNote {
  @IsString() text!: string;
}

/** Holds durable jobs whose id starts with `hold` until released; keeps broadcast notes. */
@Injectable()
class HealthWorker {
  readonly started: string[] = [];
  readonly notes: string[] = [];
  private releaseHeld: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.releaseHeld = resolve));

  @Subscribe()
  async onJob(job: DurableHealthJob): Promise<void> {
    this.started.push(job.id);
    if (job.id.startsWith('hold')) await this.held;
  }

  // Subscribed so the pub/sub transport has a subscriber connection to watch.
  @Subscribe()
  onNote(note: BroadcastHealthNote): void {
    this.notes.push(note.text);
  }

  release(): void {
    this.releaseHeld();
  }
}

const STREAMS_TIMING = { blockMs: 200, readStallMarginMs: 300, claimIntervalMs: 60_000 };
const RECOVERY = { timeoutMs: 15_000, intervalMs: 50 };

describe('SmartMessageHealthIndicator over Redis', () => {
  let server: TestRedisServer;
  let admin: Redis;
  let running: HealthApp | undefined;
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await TestRedisServer.start();
    admin = new Redis(server.url, { maxRetriesPerRequest: null });
    admin.on('error', () => undefined);
  });

  afterEach(async () => {
    running?.app.get(HealthWorker).release();
    await running?.app.close();
    running = undefined;
    for (const client of clients.splice(0)) client.disconnect();
  });

  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  const boot = async (streams: RedisStreamsTransport): Promise<HealthApp> => {
    running = await bootHealthApp(
      {
        entity: 'health-tests',
        transports: {
          streams,
          pubsub: new RedisPubSubTransport({ url: server.url, prefix: 'health:', logger: silentLogger }),
        },
        deadLetters: false,
      },
      [HealthWorker],
    );
    return running;
  };

  const streamsOnOwnServer = (): RedisStreamsTransport =>
    new RedisStreamsTransport({ url: server.url, prefix: 'health:', logger: silentLogger, ...STREAMS_TIMING });

  it('goes down when Redis stops and comes back up by itself when Redis returns', async () => {
    const { health } = await boot(streamsOnOwnServer());
    await waitFor(async () => statusOf(await health.transports('redis'), 'redis') === 'up', 'up at start', RECOVERY);

    await server.kill();
    const down = await health.transports('redis', { timeoutMs: 300 });
    expect(down.redis).toMatchObject({
      status: 'down',
      transports: { streams: { kind: 'redis-streams', up: false }, pubsub: { kind: 'redis-pubsub', up: false } },
    });
    expect(typeof down.redis.transports.streams.error).toBe('string');

    await server.restart();
    await waitFor(
      async () => statusOf(await health.transports('redis', { timeoutMs: 300 }), 'redis') === 'up',
      'health to come back up after Redis returned',
      RECOVERY,
    );
    const up = await health.transports('redis');
    expect(up.redis.transports.streams.groups['health-tests']).toMatchObject({ reading: true, reader: 'ready' });
    expect(up.redis.transports.pubsub).toMatchObject({
      up: true,
      subscriber: 'ready',
      channels: ['health:BroadcastHealthNote'],
    });
  });

  it('reports a consumer loop that stopped reading as down while PING still answers', async () => {
    const client = new RecordingRedis(server.url);
    clients.push(client);
    const { health } = await boot(
      new RedisStreamsTransport({ client, prefix: 'health:', logger: silentLogger, ...STREAMS_TIMING }),
    );
    await waitFor(async () => statusOf(await health.transports('redis'), 'redis') === 'up', 'up at start', RECOVERY);

    // Only the group's blocking reader goes away; the command connection (PING) stays.
    client.connectionNamed('reader:health-tests').disconnect();

    await waitFor(
      async () => statusOf(await health.transports('redis'), 'redis') === 'down',
      'the stopped consumer to be reported',
      RECOVERY,
    );
    const result = await health.transports('redis');
    expect(result.redis.transports.streams).toMatchObject({
      up: false,
      groups: { 'health-tests': { reading: false, reader: 'end', reason: 'reader connection is end' } },
      problems: ['consumer group health-tests: reader connection is end'],
    });
    expect(typeof result.redis.transports.streams.pingMs).toBe('number');
  });

  it('reports a read loop stuck on a live connection as down, and up again once reads come back', async () => {
    const { health } = await boot(streamsOnOwnServer());
    await waitFor(async () => statusOf(await health.transports('redis'), 'redis') === 'up', 'up at start', RECOVERY);

    // XREADGROUP is a write command: paused, the reader's next read never returns, PING still does.
    await admin.call('CLIENT', 'PAUSE', 10_000, 'WRITE');
    try {
      await waitFor(
        async () => statusOf(await health.transports('redis'), 'redis') === 'down',
        'the stuck read loop to be reported',
        RECOVERY,
      );
      const result = await health.transports('redis');
      expect(result.redis.transports.streams.groups['health-tests']).toMatchObject({ reading: false, reader: 'ready' });
      expect(result.redis.transports.streams.problems[0]).toMatch(
        /^consumer group health-tests: no read came back for \d+ ms$/,
      );
      expect(typeof result.redis.transports.streams.pingMs).toBe('number');
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
    await waitFor(
      async () => statusOf(await health.transports('redis'), 'redis') === 'up',
      'reads to come back',
      RECOVERY,
    );
  });

  it('goes down while a consumer group has more pending entries than allowed', async () => {
    const { app, bus, health } = await boot(streamsOnOwnServer());
    const worker = app.get(HealthWorker);
    await bus.publish(Object.assign(new DurableHealthJob(), { id: 'hold-1' }));
    await waitFor(() => worker.started.length === 1, 'the job to start', RECOVERY);

    const result = await health.transports('redis', { maxPending: 0, maxLag: 0 });
    expect(result.redis.status).toBe('down');
    expect(result.redis.transports.streams.groups['health-tests'].streams).toEqual({
      'health:DurableHealthJob': { lag: 0, pending: 1 },
    });
    expect(result.redis.transports.streams.problems).toEqual([
      'health:DurableHealthJob (health-tests): 1 pending above 0',
    ]);

    worker.release();
    await waitFor(
      async () => statusOf(await health.transports('redis', { maxPending: 0 }), 'redis') === 'up',
      'the entry to be acknowledged',
      RECOVERY,
    );
  });

  it('warns, without going down, when Redis may evict or not persist the streams', async () => {
    const { health } = await boot(streamsOnOwnServer());
    await waitFor(async () => statusOf(await health.transports('redis'), 'redis') === 'up', 'up at start', RECOVERY);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'appendonly', 'no');
    try {
      const result = await health.transports('redis');
      expect(result.redis.status).toBe('up');
      expect(result.redis.transports.streams.warnings).toEqual([
        'maxmemory-policy is allkeys-lru: Redis may evict streams under memory pressure (use noeviction)',
        'neither AOF (appendonly) nor RDB snapshots (save) are enabled: a Redis restart loses the streams',
      ]);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'appendonly', 'yes');
      // Turning AOF back on forks a rewrite; the server is only killed once it is done.
      await waitFor(
        async () => !/aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await admin.info('persistence')),
        'the AOF rewrite to finish',
        RECOVERY,
      );
    }
  });
});
