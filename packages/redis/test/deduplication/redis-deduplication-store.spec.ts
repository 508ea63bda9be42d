import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { InvalidMessageOptionsError } from '@smart-message/nestjs';
import { DeduplicationCheck, DeduplicationMark } from '@smart-message/nestjs/transport-kit';
import { RedisDeduplicationStore, RedisDeduplicationStoreOptions } from '@smart-message/redis';
import { describeDeduplicationStoreContract, waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

const prefix = uniquePrefix('dedup-store');

afterAll(async () => {
  await deleteKeys(prefix);
});

describeDeduplicationStoreContract('RedisDeduplicationStore', {
  createStore: () => new RedisDeduplicationStore({ prefix }),
});

const markOf = (check: DeduplicationCheck): DeduplicationMark => {
  if (check.status !== 'new') throw new Error(`expected new, got ${check.status}`);
  return check.mark;
};

describe('RedisDeduplicationStore across instances', () => {
  const redis = new Redis();
  const stores: RedisDeduplicationStore[] = [];
  const instance = (options: RedisDeduplicationStoreOptions = {}): RedisDeduplicationStore => {
    const store = new RedisDeduplicationStore({ prefix, ...options });
    stores.push(store);
    return store;
  };
  const request = () => ({ handlerId: `Billing.charge-${randomUUID().slice(0, 8)}`, uuid: randomUUID() });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  afterAll(() => {
    redis.disconnect();
  });

  it('shares one memory per handler between instances of a service', async () => {
    const [first, second] = [instance(), instance()];
    const asked = request();

    const mark = markOf(await first.begin(asked));
    expect(await second.begin(asked)).toEqual({ status: 'in-progress' });
    await first.complete(mark);
    expect(await second.begin(asked)).toEqual({ status: 'duplicate' });
  });

  it('remembers a uuid per sender, keeping both keys of a message in one hash slot whatever its from', async () => {
    const store = instance();
    const { handlerId, uuid } = request();
    const forged = { handlerId, from: 'mallory', uuid };
    await store.complete(markOf(await store.begin(forged)));

    expect(await store.begin(forged)).toEqual({ status: 'duplicate' });
    const real = markOf(await store.begin({ handlerId, from: 'shop', uuid }));
    await store.complete(real);
    // Neither a sender spelled to look like another pair nor one holding braces shares the real key.
    for (const from of ['', '4:shop', 'sh}op{', '{shop}']) {
      const keys = store.keys({ handlerId, from, uuid });
      expect(keys).not.toEqual(store.keys(real));
      const [processedTag, inProgressTag] = keys.map((key) => hashTag(key));
      expect(processedTag).toBe(inProgressTag);
    }
  });

  it('keeps a processed uuid for ttlSeconds (3600 by default, as the original), under its prefix', async () => {
    const store = instance();
    const shortLived = instance({ ttlSeconds: 60 });
    const [asked, other] = [request(), request()];
    await store.complete(markOf(await store.begin(asked)));
    await shortLived.complete(markOf(await shortLived.begin(other)));

    const [processedKey, inProgressKey] = store.keys(asked);
    expect(processedKey.startsWith(prefix)).toBe(true);
    expect(await redis.exists(inProgressKey)).toBe(0);
    const ttl = await redis.ttl(processedKey);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await redis.ttl(shortLived.keys(other)[0])).toBeLessThanOrEqual(60);
  });

  it('renews the mark of a running holder, and lets it lapse when the holder is gone', async () => {
    const holder = instance({ leaseMs: 300 });
    const successor = instance({ leaseMs: 300 });
    const asked = request();
    markOf(await holder.begin(asked));
    const [, inProgressKey] = holder.keys(asked);

    // The lease started at 300 ms; a renewal puts it back up after it ran down.
    const firstReading = await redis.pttl(inProgressKey);
    await waitFor(async () => (await redis.pttl(inProgressKey)) < firstReading - 50, 'the lease to run down');
    await waitFor(async () => (await redis.pttl(inProgressKey)) > firstReading - 50, 'the holder to renew its lease');
    expect(await successor.begin(asked)).toEqual({ status: 'in-progress' });

    // Closing stops renewing without releasing: what a crashed instance leaves behind.
    await holder.close();
    let takeover: DeduplicationCheck | undefined;
    await waitFor(async () => (takeover = await successor.begin(asked)).status !== 'in-progress', 'the mark to lapse', {
      timeoutMs: 3000,
      intervalMs: 50,
    });
    expect(await redis.get(inProgressKey)).toBe(markOf(takeover!).token);
  });

  it('leaves a client it was given open', async () => {
    const client = new Redis();
    const store = new RedisDeduplicationStore({ client, prefix });
    await store.complete(markOf(await store.begin(request())));
    await store.close();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('refuses a ttl or lease that is not a positive integer', () => {
    expect(() => new RedisDeduplicationStore({ prefix, ttlSeconds: 0, client: redis })).toThrow(
      InvalidMessageOptionsError,
    );
    expect(() => new RedisDeduplicationStore({ prefix, leaseMs: 2.5, client: redis })).toThrow(
      'RedisDeduplicationStore: leaseMs must be a positive integer, got 2.5',
    );
  });
});

/** The part of a key Redis Cluster hashes: between the first `{` and the first `}` after it, when not empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}
