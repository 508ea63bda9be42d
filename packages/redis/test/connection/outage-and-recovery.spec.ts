import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message, MessageBus, MessageLogger } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { uniquePrefix } from '../support/redis-keys';
import { TestRedisServer } from '../support/redis-server';

@Message({ name: 'OutageProbe', from: 'tests' })
class OutageProbe {
  @IsInt() seq!: number;
}

const probe = (seq: number): OutageProbe => Object.assign(new OutageProbe(), { seq });

interface Logged {
  level: 'log' | 'warn' | 'error';
  message: string;
}

function recordingLogger(): MessageLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    log: (message: string) => void lines.push({ level: 'log', message }),
    warn: (message: string) => void lines.push({ level: 'warn', message }),
    error: (message: string) => void lines.push({ level: 'error', message }),
  } as MessageLogger & { lines: Logged[] };
}

/** Lets an outage last several reconnect attempts (they are what must not be logged again). */
const outageOf = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  [
    'pub/sub',
    (url: string, logger: MessageLogger) =>
      new RedisPubSubTransport({ url, prefix: uniquePrefix('outage'), logger, publishTimeoutMs: 1200 }),
  ],
  [
    'Streams',
    (url: string, logger: MessageLogger) =>
      new RedisStreamsTransport({ url, prefix: uniquePrefix('outage'), logger, blockMs: 100, publishTimeoutMs: 1200 }),
  ],
])('%s transport during an outage', (_name, create) => {
  let server: TestRedisServer;
  let bus: MessageBus | undefined;

  beforeEach(async () => {
    server = await TestRedisServer.start();
  });

  afterEach(async () => {
    await bus?.shutdown(500).catch(() => undefined);
    bus = undefined;
    await server.stop();
  });

  it('logs the loss once with the cause, and once more when Redis is back', async () => {
    const logger = recordingLogger();
    const transport = create(server.url, logger);
    bus = new MessageBus({ entity: 'outage', transports: { redis: transport } });
    await bus.subscribe(OutageProbe, () => undefined);
    await bus.start();

    await server.kill();
    await outageOf(2500);
    await server.restart();
    await waitFor(
      () => logger.lines.some((line) => /Redis connection back/.test(line.message)),
      () => `the recovery line (${JSON.stringify(logger.lines)})`,
      { timeoutMs: 10_000 },
    );

    const lost = logger.lines.filter((line) => /Redis connection lost/.test(line.message));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: 'warn' });
    expect(lost[0]?.message).toContain(`127.0.0.1:${server.port}`);
    expect(logger.lines.filter((line) => /Redis connection back/.test(line.message))).toHaveLength(1);
    // Redis was down, not dropping a slow subscriber: no output-buffer advice.
    expect(logger.lines.some((line) => /output buffer/.test(line.message))).toBe(false);
  }, 20_000);

  it('sends a publish issued as Redis comes back within a publishTimeoutMs shorter than the old 2 s backoff', async () => {
    const logger = recordingLogger();
    const transport = create(server.url, logger);
    bus = new MessageBus({ entity: 'outage', transports: { redis: transport } });
    await bus.subscribe(OutageProbe, () => undefined);
    await bus.start();

    await server.kill();
    // Long enough for every connection's backoff to reach its ceiling.
    await outageOf(5000);
    await server.restart();
    const published = bus.publish(probe(1));
    await expect(published).resolves.toMatchObject({ messageClass: 'OutageProbe' });
  }, 20_000);
});

describe('Streams transport without an entity', () => {
  it('warns at startup that the consumer group is "default", naming the entity option', async () => {
    const logger = recordingLogger();
    const bus = new MessageBus({
      transports: { redis: new RedisStreamsTransport({ prefix: uniquePrefix('no-entity'), logger, blockMs: 100 }) },
    });
    await bus.subscribe(OutageProbe, () => undefined);
    try {
      await bus.start();
      const warnings = logger.lines.filter((line) => line.level === 'warn' && /"default"/.test(line.message));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('`entity`');
    } finally {
      await bus.shutdown(500).catch(() => undefined);
    }
  });

  it('says nothing of it when the bus names its entity', async () => {
    const logger = recordingLogger();
    const bus = new MessageBus({
      entity: 'orders',
      transports: { redis: new RedisStreamsTransport({ prefix: uniquePrefix('entity'), logger, blockMs: 100 }) },
    });
    await bus.subscribe(OutageProbe, () => undefined);
    try {
      await bus.start();
      expect(logger.lines.filter((line) => /`entity`/.test(line.message))).toEqual([]);
    } finally {
      await bus.shutdown(500).catch(() => undefined);
    }
  });
});
