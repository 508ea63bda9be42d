import 'reflect-metadata';
import { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis-6';
import { IsInt } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'ShapeOrder', from: 'tests' })
class ShapeOrder {
  @IsInt() seq!: number;
}

@Message({ name: 'ShapeRefund', from: 'tests' })
class ShapeRefund {
  @IsInt() seq!: number;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The shapes ioredis gives `callBuffer('XREADGROUP')`: ioredis 5 pairs, ioredis 6 over RESP3
 * a flattened map (default `replyMapping: "legacy"`) or an object (`"resp3"`), ioredis 6 over
 * RESP2 pairs again. Reading two streams in one XREADGROUP is where pairs and a flat map differ.
 */
const clients: [string, () => Redis][] = [
  ['the ioredis this project runs', () => new Redis()],
  ['ioredis 6, RESP3, replyMapping legacy', () => new Redis6() as unknown as Redis],
  ['ioredis 6, RESP3, replyMapping resp3', () => new Redis6({ replyMapping: 'resp3' }) as unknown as Redis],
  ['ioredis 6, RESP2', () => new Redis6({ protocol: 2 }) as unknown as Redis],
];

describe('Redis Streams reads the reply shapes of every supported ioredis', () => {
  const prefix = uniquePrefix('streams-reply-shapes');
  const opened: Redis[] = [];

  afterAll(async () => {
    opened.forEach((client) => client.disconnect());
    await deleteKeys(prefix);
  });

  it.each(clients)('handles entries of two streams read at once with %s', async (label, open) => {
    const client = open();
    opened.push(client);
    const transport = new RedisStreamsTransport({
      client,
      prefix: `${prefix}${opened.length}:`,
      blockMs: 100,
      // Only the read can deliver in time: a claim round would wait a minute.
      claimIdleMs: 60_000,
      logger: silent,
    });
    const bus = new MessageBus({ entity: 'shapes', transports: { streams: transport } });
    const handled: string[] = [];
    const attempts: number[] = [];
    await bus.subscribe(ShapeOrder, (m, context) => {
      handled.push(`order ${m.seq}`);
      attempts.push(context.attempt);
    });
    await bus.subscribe(ShapeRefund, (m, context) => {
      handled.push(`refund ${m.seq}`);
      attempts.push(context.attempt);
    });
    await bus.start();
    try {
      for (let seq = 0; seq < 5; seq++) {
        await bus.publish(Object.assign(new ShapeOrder(), { seq }));
        await bus.publish(Object.assign(new ShapeRefund(), { seq }));
      }
      await waitFor(
        () => handled.length === 10,
        () => `10 entries handled with ${label} (${handled.join(', ')})`,
      );
      expect(handled.sort()).toEqual([0, 1, 2, 3, 4].flatMap((seq) => [`order ${seq}`, `refund ${seq}`]).sort());
      expect(attempts.every((attempt) => attempt === 1)).toBe(true);
      const health = await transport.health(1000);
      expect(health.details).not.toHaveProperty('problems');
      expect(health.up).toBe(true);
    } finally {
      await bus.shutdown(1000);
    }
  });
});
