import { Cluster } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DeadLetterBoundsOptions, DeadLetterStore, fromConfig, Transport } from '@smart-message/nestjs';
import * as redis from '@smart-message/redis';
import { describeDeadLetterStoreContract, describeDeduplicationStoreContract, waitFor } from '@smart-message/testing';
import { sharedClusterSeeds } from '../support/redis-cluster-global';

jest.setTimeout(60_000);

const { RedisBreakerStateStore, RedisClusterConfigError, RedisDeadLetterStore, RedisDeduplicationStore } = redis;
const seeds = sharedClusterSeeds();
const run = randomBytes(4).toString('hex');

// Each store of the contract gets a tag of its own, so stores never share keys.
const prefixes = new Map<DeadLetterStore, string>();
function deadLetterStoreAt(prefix: string, bounds: DeadLetterBoundsOptions = {}): redis.RedisDeadLetterStore {
  const store = new RedisDeadLetterStore({ ...bounds, prefix, cluster: { nodes: seeds } });
  prefixes.set(store, prefix);
  opened.push(store);
  return store;
}
let stores = 0;
// Every store opened, reopened ones too, is closed when the file ends.
const opened: redis.RedisDeadLetterStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close?.().catch(() => undefined)));
});

describeDeadLetterStoreContract('RedisDeadLetterStore on a cluster', {
  createStore: (bounds) => deadLetterStoreAt(`test:${run}:{dead-letters-${stores++}}:`, bounds),
  reopen: (store) => deadLetterStoreAt(prefixes.get(store)!),
  destroyStore: async (store) => {
    await store.close?.();
    prefixes.delete(store);
  },
});

describeDeduplicationStoreContract('RedisDeduplicationStore on a cluster', {
  createStore: () => new RedisDeduplicationStore({ prefix: `test:${run}:dedup:`, cluster: { nodes: seeds } }),
});

describe('Redis stores and fromConfig on a cluster', () => {
  const admin = new Cluster(seeds);

  afterAll(() => admin.disconnect());

  it('tags the dead letter store by default and refuses a prefix without a tag', async () => {
    const store = new RedisDeadLetterStore({ cluster: { nodes: seeds } });
    expect(store.entriesKey).toBe('smart-message:{dead-letters}:entries');
    // Its MULTI over the four keys runs: no CROSSSLOT with the default prefix.
    expect((await store.stats()).total).toBeGreaterThanOrEqual(0);
    await store.close?.();
    expect(() => new RedisDeadLetterStore({ cluster: { nodes: seeds }, prefix: 'dead-letters:' })).toThrow(
      RedisClusterConfigError,
    );
  });

  it('refuses a deduplication prefix with a tag, which would put every key in one slot', () => {
    expect(() => new RedisDeduplicationStore({ cluster: { nodes: seeds }, prefix: '{dedup}:' })).toThrow(
      RedisClusterConfigError,
    );
  });

  it('shares open circuits through a Cluster client', async () => {
    const store = new RedisBreakerStateStore({ client: admin, prefix: `test:${run}:breaker:` });
    await store.markOpen('payments', Date.now() + 60_000);
    expect(await store.isOpen('payments')).toBe(true);
    await store.markClosed('payments');
    expect(await store.isOpen('payments')).toBe(false);
  });

  it('builds both transports from redis+cluster:// and redis+streams+cluster:// URLs, which deliver', async () => {
    const authority = seeds.join(',');
    const transports = fromConfig(
      {
        transports: {
          events: `redis+cluster://${authority}?sharded=true`,
          jobs: `redis+streams+cluster://${authority}?blockMs=200&prefix=test-${run}:`,
        },
      },
      { load: () => redis },
    );
    expect(transports.events).toBeInstanceOf(redis.RedisPubSubTransport);
    expect(transports.jobs).toBeInstanceOf(redis.RedisStreamsTransport);
    const received: string[] = [];
    try {
      for (const [name, transport] of Object.entries(transports) as [string, Transport][]) {
        await transport.subscribe(
          `Configured_${run}`,
          async (envelope) => void received.push(`${name}:${envelope.header.uuid}`),
          {
            group: 'configured',
            concurrency: 1,
          },
        );
        await transport.publish({
          header: {
            uuid: name,
            messageClass: `Configured_${run}`,
            version: 1,
            publishedAt: new Date().toISOString(),
            publisherPid: process.pid,
            from: 'tests',
            serializer: 'json',
          },
          payload: Buffer.from('{}'),
        });
      }
      await waitFor(() => received.length === 2, 'a delivery over each transport');
      expect(received.sort()).toEqual(['events:events', 'jobs:jobs']);
    } finally {
      await Promise.all(Object.values(transports).map((transport) => transport.close?.()));
    }
  });
});
