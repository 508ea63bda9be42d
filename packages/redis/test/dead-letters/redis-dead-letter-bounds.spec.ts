import { DeadLetterEntry, MessageLogger, toStoredDeadLetter } from '@smart-message/nestjs';
import { deadLetterSize } from '@smart-message/nestjs/transport-kit';
import { RedisDeadLetterStore } from '@smart-message/redis';
import { Redis } from 'ioredis';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

const quiet: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

function entry(id: string, second: number, payload = 'x'.repeat(200)): DeadLetterEntry {
  const at = new Date(Date.UTC(2026, 0, 1) + second * 1000).toISOString();
  return {
    id,
    reason: 'handler-failed',
    envelope: {
      header: {
        uuid: `00000000-0000-4000-8000-${String(second).padStart(12, '0')}`,
        messageClass: 'OrderPlaced',
        version: 1,
        publishedAt: at,
        publisherPid: 1,
        from: 'orders',
        serializer: 'json',
      },
      payload,
    },
    handlerId: 'Packer.onOrder',
    transport: 'durable',
    attempts: 1,
    lastAttempt: 1,
    firstFailedAt: at,
    lastFailedAt: at,
    error: { name: 'Error', message: 'no' },
  };
}

describe('RedisDeadLetterStore bounds shared by instances', () => {
  const prefix = uniquePrefix('dead-letter-bounds');
  let client: Redis;

  beforeAll(() => {
    client = new Redis('redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    client.disconnect();
    await deleteKeys(prefix);
  });

  it('holds the bounds whichever instance writes, and both count the evictions and the bytes held', async () => {
    const first = new RedisDeadLetterStore({ client, prefix, maxEntries: 3, logger: quiet });
    const second = new RedisDeadLetterStore({ client, prefix, maxEntries: 3, logger: quiet });
    await first.upsert(entry('a', 1));
    await second.upsert(entry('b', 2));
    await first.upsert(entry('c', 3));
    await second.upsert(entry('d', 4));
    await first.upsert(entry('e', 5));
    // A rewrite with a larger payload changes the bytes held by the difference only.
    await second.upsert(entry('d', 6, 'y'.repeat(900)));

    expect((await first.list()).entries.map((kept) => kept.id)).toEqual(['c', 'e', 'd']);
    expect(await second.stats()).toMatchObject({ total: 3, evicted: 2 });
    const held = await client.hget(first.countersKey, 'bytes');
    const stored = await Promise.all(['c', 'e', 'd'].map((id) => client.hstrlen(first.entriesKey, id)));
    expect(Number(held)).toBe(stored.reduce((sum, bytes) => sum + bytes, 0));
    expect(stored[2]).toBe(deadLetterSize(entry('d', 6, 'y'.repeat(900))));

    await first.remove('c');
    expect(await second.purge({ handlerId: 'Packer.onOrder', since: new Date(Date.UTC(2026, 0, 1, 0, 0, 6)) })).toBe(1);
    expect(Number(await client.hget(first.countersKey, 'bytes'))).toBe(stored[1]);
    expect(await client.hlen(first.fieldsKey)).toBe(1);
  });

  it('filters entries written before index fields were kept, and keeps their fields from then on', async () => {
    const legacy = `${prefix}legacy:`;
    const old = entry('old', 1);
    // What earlier versions wrote: the entries hash and the time index only.
    await client.hset(`${legacy}entries`, old.id, JSON.stringify(toStoredDeadLetter(old)));
    await client.zadd(`${legacy}index`, Date.parse(old.lastFailedAt), old.id);
    const store = new RedisDeadLetterStore({ client, prefix: legacy, logger: quiet });

    expect((await store.list({ messageClass: 'OrderPlaced' })).entries.map((kept) => kept.id)).toEqual(['old']);
    expect(await client.hexists(store.fieldsKey, 'old')).toBe(1);
    expect(Number(await client.hget(store.countersKey, 'bytes'))).toBe(deadLetterSize(old));
    expect(await store.stats({ reason: 'handler-failed' })).toMatchObject({ total: 1 });
  });
});
