import { expect } from '@jest/globals';
import { deadLetter, minute } from '../dead-letter-fixtures';
import { DeadLetterStoreSuite } from '../dead-letter-store-suite';

export function describeRemovalCases(suite: DeadLetterStoreSuite): void {
  suite.test('remove takes one entry away and says whether there was one', async (store) => {
    await store.upsert(deadLetter({ id: 'a', at: 1 }));
    await store.upsert(deadLetter({ id: 'b', at: 2 }));

    expect(await store.remove('a')).toBe(true);
    expect(await store.remove('a')).toBe(false);
    expect(await store.remove('never-there')).toBe(false);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.list()).entries.map((entry) => entry.id)).toEqual(['b']);
    expect((await store.stats()).total).toBe(1);
  });

  suite.test('an entry removed and recorded again is back', async (store) => {
    await store.upsert(deadLetter({ id: 'a', at: 1 }));
    await store.remove('a');
    await store.upsert(deadLetter({ id: 'a', at: 4 }));

    expect((await store.get('a'))?.lastFailedAt).toBe(minute(4));
    expect((await store.list()).total).toBe(1);
  });

  suite.test('purge removes what the filter matches and resolves with how many', async (store) => {
    await store.upsert(deadLetter({ id: 'a', at: 1, messageClass: 'OrderPlaced', reason: 'handler-failed' }));
    await store.upsert(deadLetter({ id: 'b', at: 2, messageClass: 'OrderShipped', reason: 'rejected' }));
    await store.upsert(deadLetter({ id: 'c', at: 3, messageClass: 'OrderShipped', reason: 'handler-failed' }));
    await store.upsert(deadLetter({ id: 'd', at: 4, messageClass: 'OrderShipped', reason: 'handler-failed' }));

    expect(await store.purge({ messageClass: 'OrderShipped', reason: 'handler-failed', until: minute(4) })).toBe(1);
    expect((await store.list()).entries.map((entry) => entry.id)).toEqual(['a', 'b', 'd']);
    expect(await store.purge({ handlerId: 'Nobody.handles' })).toBe(0);
    expect(await store.purge({ reason: ['rejected', 'handler-failed'] })).toBe(3);
    expect(await store.list()).toEqual({ entries: [], total: 0, offset: 0, limit: 100 });
  });

  suite.test('purge without a filter empties the store', async (store) => {
    for (let index = 0; index < 12; index++) await store.upsert(deadLetter({ id: `x${index}`, at: index }));

    expect(await store.purge()).toBe(12);
    expect(await store.stats()).toEqual({ total: 0, byReason: {}, byMessageClass: {}, byHandler: {}, evicted: 0 });
    await store.upsert(deadLetter({ id: 'after', at: 20 }));
    expect((await store.list()).entries.map((entry) => entry.id)).toEqual(['after']);
  });
}
