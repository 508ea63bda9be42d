import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Deduplicate, InvalidMessageOptionsError, MemoryDeduplicationStore, Message } from '@smart-message/nestjs';
import { DeduplicationCheck, DeduplicationMark } from '@smart-message/nestjs/transport-kit';
import { describeDeduplicationStoreContract } from '@smart-message/testing';

describeDeduplicationStoreContract('MemoryDeduplicationStore', { createStore: () => new MemoryDeduplicationStore() });

const markOf = (check: DeduplicationCheck): DeduplicationMark => {
  if (check.status !== 'new') throw new Error(`expected new, got ${check.status}`);
  return check.mark;
};

async function processAll(store: MemoryDeduplicationStore, handlerId: string, uuids: string[], size?: number) {
  for (const uuid of uuids) {
    await store.complete(markOf(await store.begin({ handlerId, uuid, ...(size === undefined ? {} : { size }) })));
  }
}

describe('MemoryDeduplicationStore bounds', () => {
  it('keeps 100 uuids per handler by default, as the original, and forgets the oldest first', async () => {
    const store = new MemoryDeduplicationStore();
    const uuids = Array.from({ length: 101 }, () => randomUUID());
    await processAll(store, 'H.a', uuids);

    expect(store.size).toBe(100);
    expect(store.entries('H.a')).toEqual(uuids.slice(1));
    expect((await store.begin({ handlerId: 'H.a', uuid: uuids[0]! })).status).toBe('new');
    expect((await store.begin({ handlerId: 'H.a', uuid: uuids[1]! })).status).toBe('duplicate');
  });

  it('bounds each handler on its own, by the store size or the size a request carries', async () => {
    const store = new MemoryDeduplicationStore({ size: 3 });
    const uuids = ['u1', 'u2', 'u3', 'u4'];
    await processAll(store, 'H.store-sized', uuids);
    await processAll(store, 'H.request-sized', uuids, 2);

    expect(store.entries('H.store-sized')).toEqual(['u2', 'u3', 'u4']);
    expect(store.entries('H.request-sized')).toEqual(['u3', 'u4']);
  });

  it('does not make a uuid younger when it is recorded again', async () => {
    const store = new MemoryDeduplicationStore({ size: 2 });
    await processAll(store, 'H.a', ['u1', 'u2']);
    // A holder whose run overlapped another's may complete a uuid already recorded: it keeps its place.
    await store.complete({ handlerId: 'H.a', uuid: 'u1', token: 'an-earlier-holder' });
    await processAll(store, 'H.a', ['u3']);
    expect(store.entries('H.a')).toEqual(['u2', 'u3']);
  });

  it('refuses sizes that bound nothing, wherever they are given', () => {
    expect(() => new MemoryDeduplicationStore({ size: 0 })).toThrow(InvalidMessageOptionsError);
    expect(() => Deduplicate({ size: 1.5 })).toThrow(
      /@Deduplicate\(\): deduplication size must be a positive integer, got 1.5/,
    );
    expect(() => {
      @Message({ name: 'BadlySized', deduplication: { size: -1 } })
      class BadlySized {}
      return BadlySized;
    }).toThrow(InvalidMessageOptionsError);
  });
});
