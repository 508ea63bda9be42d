import { expect } from '@jest/globals';
import { DeadLetterStore } from '@smart-message/nestjs';
import { deadLetterSize } from '@smart-message/nestjs/transport-kit';
import { deadLetter } from '../dead-letter-fixtures';
import { DeadLetterStoreSuite } from '../dead-letter-store-suite';

const ids = async (store: DeadLetterStore): Promise<string[]> =>
  (await store.list({ limit: 1000 })).entries.map((entry) => entry.id);

/** One entry's size: fixtures whose ids have one length have one size. */
const SIZE = deadLetterSize(deadLetter({ id: 'b1', at: 1 }));

export function describeBoundsCases(suite: DeadLetterStoreSuite): void {
  suite.testBounded(
    'keeps at most maxEntries, evicting the oldest first, and counts and logs what it evicted',
    { maxEntries: 3 },
    async (store, warnings) => {
      for (let index = 1; index <= 5; index++) await store.upsert(deadLetter({ id: `b${index}`, at: index }));

      expect(await ids(store)).toEqual(['b3', 'b4', 'b5']);
      expect(await store.stats()).toMatchObject({ total: 3, evicted: 2 });
      expect(warnings.join('\n')).toMatch(/b1/);
      expect(warnings.join('\n')).toMatch(/b2/);
      expect(warnings.join('\n')).not.toMatch(/b3/);
    },
  );

  suite.testBounded('an update of a kept entry evicts nothing', { maxEntries: 2 }, async (store, warnings) => {
    await store.upsert(deadLetter({ id: 'b1', at: 1 }));
    await store.upsert(deadLetter({ id: 'b2', at: 2 }));
    await store.upsert(deadLetter({ id: 'b1', at: 3, attempts: 2 }));

    expect(await ids(store)).toEqual(['b2', 'b1']);
    expect((await store.stats()).evicted).toBe(0);
    expect(warnings).toEqual([]);

    await store.upsert(deadLetter({ id: 'b3', at: 4 }));
    expect(await ids(store)).toEqual(['b1', 'b3']);
    expect((await store.stats()).evicted).toBe(1);
  });

  suite.testBounded(
    'keeps at most maxBytes of entries, measured as their stored JSON',
    { maxBytes: SIZE * 3 + Math.floor(SIZE / 2) },
    async (store, warnings) => {
      for (let index = 1; index <= 5; index++) await store.upsert(deadLetter({ id: `b${index}`, at: index }));

      expect(await ids(store)).toEqual(['b3', 'b4', 'b5']);
      expect(await store.stats()).toMatchObject({ total: 3, evicted: 2 });
      expect(warnings.join('\n')).toMatch(/b1/);
    },
  );

  suite.testBounded(
    'does not keep an entry larger than maxBytes on its own, and keeps the others',
    { maxBytes: SIZE * 2 },
    async (store, warnings) => {
      await store.upsert(deadLetter({ id: 'b1', at: 1 }));
      await store.upsert(deadLetter({ id: 'b2', at: 2, payload: 'x'.repeat(SIZE * 3) }));

      expect(await ids(store)).toEqual(['b1']);
      expect(await store.get('b2')).toBeUndefined();
      expect((await store.stats()).evicted).toBe(1);
      expect(warnings.join('\n')).toMatch(/b2/);
    },
  );

  suite.testBounds('refuses bounds that are not whole numbers ≥ 1', async (create) => {
    for (const bounds of [{ maxEntries: 0 }, { maxBytes: -1 }, { maxEntries: 2.5 }]) {
      await expect(create(bounds)).rejects.toMatchObject({ code: 'SM_INVALID_DEAD_LETTER_BOUND' });
    }
  });
}
