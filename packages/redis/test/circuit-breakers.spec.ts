import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsString } from 'class-validator';
import { CircuitOpenError, Message, MessageBus } from '@smart-message/nestjs';
import { RedisBreakerStateStore, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

@Message({ name: 'BreakerJob', from: 'tests' })
class BreakerJob {
  @IsString() id!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('circuit breakers with Redis', () => {
  const prefix = uniquePrefix('breakers');
  const redis = new Redis();
  const buses: MessageBus[] = [];

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(500)));
  });

  afterAll(async () => {
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('shares an open circuit between the instances of a service through Redis', async () => {
    const store = new RedisBreakerStateStore({ client: redis, prefix: `${prefix}breaker:` });
    const [first, second] = [
      new MessageBus({ circuitBreakerStore: store }),
      new MessageBus({ circuitBreakerStore: store }),
    ];
    buses.push(first, second);
    const options = { threshold: 2, halfOpenAfterMs: 5_000 };
    const failing = (): Promise<never> => Promise.reject(new Error('payment provider down'));

    for (let i = 0; i < 2; i++)
      await expect(first.circuitBreakers.execute('payments', options, failing)).rejects.toThrow('down');
    expect(first.circuitBreakers.state('payments')).toBe('open');
    await waitFor(async () => (await redis.exists(`${prefix}breaker:payments`)) === 1, 'the shared open state');

    // The second instance never failed itself, yet does not call the dependency.
    let called = false;
    await expect(
      second.circuitBreakers.execute('payments', options, async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    expect(second.circuitBreakers.statistics()[0]).toMatchObject({
      name: 'payments',
      openElsewhere: true,
      rejected: 1,
    });
  });

  it('leaves messages pending on Redis Streams while a handler circuit is open, and handles them once it closes', async () => {
    const bus = new MessageBus({
      entity: 'breaker-workers',
      transports: {
        streams: new RedisStreamsTransport({
          prefix,
          blockMs: 100,
          claimIdleMs: 100,
          claimIntervalMs: 50,
          maxDeliveries: 100,
          logger: silent,
        }),
      },
      logger: silent,
    });
    buses.push(bus);
    let up = false;
    const handled: string[] = [];
    const options = { threshold: 1, halfOpenAfterMs: 300 };
    await bus.subscribe(BreakerJob, (job) =>
      bus.circuitBreakers.execute('jobs', options, async () => {
        if (!up) throw new Error('downstream down');
        handled.push(job.id);
      }),
    );
    await bus.start();
    for (const id of ['1', '2', '3']) await bus.publish(Object.assign(new BreakerJob(), { id }));
    await waitFor(() => bus.circuitBreakers.state('jobs') === 'open', 'the circuit to open');
    const pending = (await redis.xpending(`${prefix}BreakerJob`, 'breaker-workers')) as [number];
    expect(pending[0]).toBeGreaterThan(0);

    up = true;
    await waitFor(
      () => handled.length === 3,
      () => `all three handled (${handled.join(',')})`,
      { timeoutMs: 10_000 },
    );
    expect([...handled].sort()).toEqual(['1', '2', '3']);
  });
  it.each([
    ['a value that is no epoch time', (key: string) => redis.set(key, 'on', 'PX', 60_000)],
    ['no expiry', (key: string) => redis.set(key, String(Date.now() + 60_000))],
    ['an expiry beyond maxOpenMs', (key: string) => redis.set(key, String(Date.now() + 3_600_000), 'PX', 3_600_000)],
  ])(
    'ignores and reports a breaker key it did not write (%s), so a stray SET cannot hold a circuit open',
    async (_, write) => {
      const warnings: string[] = [];
      const logger = {
        log: () => undefined,
        warn: (message: string) => void warnings.push(message),
        error: () => undefined,
      };
      const store = new RedisBreakerStateStore({
        client: redis,
        prefix: `${prefix}forged:`,
        maxOpenMs: 120_000,
        logger,
      });
      const bus = new MessageBus({ circuitBreakerStore: store });
      buses.push(bus);
      const circuit = `Shipper.on.${warnings.length}${Math.random()}`;
      await write(`${prefix}forged:${circuit}`);

      let calls = 0;
      for (let i = 0; i < 2; i++)
        await bus.circuitBreakers.execute(circuit, { threshold: 2 }, async () => void calls++);
      expect(calls).toBe(2);
      expect(await store.isOpen(circuit)).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`Ignored breaker key ${prefix}forged:${circuit}`);
    },
  );

  it('still shares what it wrote itself, capped at maxOpenMs', async () => {
    const store = new RedisBreakerStateStore({ client: redis, prefix: `${prefix}capped:`, maxOpenMs: 2_000 });
    await store.markOpen('payments', Date.now() + 3_600_000);
    expect(await store.isOpen('payments')).toBe(true);
    const ttl = await redis.pttl(`${prefix}capped:payments`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
  });

  it('refuses an empty prefix, which would put circuits among every other key', () => {
    expect(() => new RedisBreakerStateStore({ client: redis, prefix: '' })).toThrow(
      expect.objectContaining({ code: 'SM_INVALID_OPTION', option: 'prefix' }),
    );
  });
});
