import 'reflect-metadata';
import { Command, Redis } from 'ioredis';
import { IsInt } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'OddReplyJob', from: 'tests' })
class OddReplyJob {
  @IsInt() seq!: number;
}

/**
 * A reply shape no supported ioredis produces (this one is node-redis's), as a future ioredis
 * or a reply transformer could give. Set on ioredis's own Command registry, which jest keeps
 * per test file, for the uppercase XREADGROUP the consumer sends.
 */
let oddShape = true;
Command.setReplyTransformer('XREADGROUP', (reply: unknown) =>
  oddShape && Array.isArray(reply) ? [{ name: 'stream', messages: reply }] : reply,
);

describe('Redis Streams with a reply shape it cannot read', () => {
  const prefix = uniquePrefix('streams-odd-reply');
  const redis = new Redis();

  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('reports it (log with a code, health down) and leaves the entries pending, never dropped', async () => {
    const errors: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      log: () => undefined,
      warn: () => undefined,
      error: (message: string, fields?: Record<string, unknown>) => void errors.push({ message, fields }),
    };
    const transport = new RedisStreamsTransport({
      prefix,
      blockMs: 100,
      claimIdleMs: 200,
      claimIntervalMs: 100,
      logger,
    });
    const bus = new MessageBus({ entity: 'odd', transports: { streams: transport } });
    const handled: number[] = [];
    await bus.subscribe(OddReplyJob, (m) => void handled.push(m.seq));
    await bus.start();
    try {
      await bus.publish(Object.assign(new OddReplyJob(), { seq: 1 }));
      await waitFor(
        () => errors.some((error) => error.fields?.code === 'SM_REDIS_REPLY_SHAPE'),
        'the unreadable reply to be logged with its code',
      );
      const health = await transport.health(1000);
      expect(health.up).toBe(false);
      expect(JSON.stringify(health.details)).toContain('SM_REDIS_REPLY_SHAPE');
      expect(handled).toEqual([]);
      const [pending] = (await redis.xpending(`${prefix}OddReplyJob`, 'odd')) as [number];
      expect(pending).toBe(1);

      // Once replies are readable again, the entry left pending is handled: nothing was lost.
      oddShape = false;
      await waitFor(() => handled.length === 1, 'the pending entry to be handled', { timeoutMs: 10_000 });
      expect(handled).toEqual([1]);
      await waitFor(async () => (await transport.health(1000)).up, 'health to be up again');
    } finally {
      oddShape = false;
      await bus.shutdown(1000);
    }
  });
});
