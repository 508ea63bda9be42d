import { expect } from '@jest/globals';
import { DeadLetterStore, InvalidDeadLetterQueryError } from '@smart-message/nestjs';
import { deadLetter, minute, unreadableFrame } from '../dead-letter-fixtures';
import { DeadLetterStoreSuite } from '../dead-letter-store-suite';

/** Six entries over two message types, three handlers, three reasons and minutes 1 to 6, plus a raw frame. */
async function seed(store: DeadLetterStore): Promise<void> {
  await store.upsert(deadLetter({ id: 'e3', at: 3, messageClass: 'OrderPlaced', reason: 'handler-failed' }));
  await store.upsert(deadLetter({ id: 'e1', at: 1, messageClass: 'OrderPlaced', reason: 'invalid' }));
  await store.upsert(
    deadLetter({ id: 'e5', at: 5, messageClass: 'OrderShipped', handlerId: 'Orders.onShipped', reason: 'rejected' }),
  );
  await store.upsert(
    deadLetter({ id: 'e2', at: 2, messageClass: 'OrderShipped', handlerId: 'Notices.onShipped', reason: 'rejected' }),
  );
  await store.upsert(deadLetter({ id: 'e6', at: 6, messageClass: 'OrderPlaced', reason: 'handler-failed' }));
  await store.upsert(
    deadLetter({ id: 'e4', at: 4, messageClass: 'OrderShipped', handlerId: 'Orders.onShipped', reason: 'invalid' }),
  );
  await store.upsert(unreadableFrame('f0', 'garbage', 0));
}

const ids = async (store: DeadLetterStore, query: Parameters<DeadLetterStore['list']>[0]): Promise<string[]> =>
  (await store.list(query)).entries.map((entry) => entry.id);

export function describeQueryCases(suite: DeadLetterStoreSuite): void {
  suite.test('lists oldest failure first by default, newest first when asked', async (store) => {
    await seed(store);

    expect(await ids(store, {})).toEqual(['f0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(await ids(store, { order: 'newest-first' })).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1', 'f0']);
  });

  suite.test('entries that failed at the same moment are ordered by id', async (store) => {
    for (const id of ['m2', 'm3', 'm1']) await store.upsert(deadLetter({ id, at: 7 }));

    expect(await ids(store, {})).toEqual(['m1', 'm2', 'm3']);
    expect(await ids(store, { order: 'newest-first' })).toEqual(['m3', 'm2', 'm1']);
  });

  suite.test('filters by message type, handler and reason, one value or several', async (store) => {
    await seed(store);

    expect(await ids(store, { messageClass: 'OrderShipped' })).toEqual(['e2', 'e4', 'e5']);
    expect(await ids(store, { messageClass: ['OrderShipped', 'OrderPlaced'] })).toEqual([
      'e1',
      'e2',
      'e3',
      'e4',
      'e5',
      'e6',
    ]);
    expect(await ids(store, { handlerId: 'Orders.onShipped' })).toEqual(['e4', 'e5']);
    expect(await ids(store, { reason: 'rejected' })).toEqual(['e2', 'e5']);
    expect(await ids(store, { reason: ['invalid', 'undecodable'] })).toEqual(['f0', 'e1', 'e4']);
    expect(await ids(store, { messageClass: 'OrderShipped', reason: 'invalid' })).toEqual(['e4']);
    expect(await ids(store, { messageClass: 'NoSuchType' })).toEqual([]);
  });

  suite.test('filters by time: since is inclusive, until exclusive, as Date or ISO text', async (store) => {
    await seed(store);

    expect(await ids(store, { since: minute(2), until: minute(5) })).toEqual(['e2', 'e3', 'e4']);
    expect(await ids(store, { since: new Date(minute(5)) })).toEqual(['e5', 'e6']);
    expect(await ids(store, { until: new Date(minute(1)) })).toEqual(['f0']);
    expect(await ids(store, { since: minute(2), until: minute(6), reason: 'rejected' })).toEqual(['e2', 'e5']);
  });

  suite.test('pages with offset and limit, and reports the total of the whole filter', async (store) => {
    await seed(store);

    const first = await store.list({ limit: 3 });
    expect(first.entries.map((entry) => entry.id)).toEqual(['f0', 'e1', 'e2']);
    expect(first).toMatchObject({ total: 7, offset: 0, limit: 3 });
    const second = await store.list({ limit: 3, offset: 3 });
    expect(second.entries.map((entry) => entry.id)).toEqual(['e3', 'e4', 'e5']);
    expect(await ids(store, { limit: 3, offset: 6 })).toEqual(['e6']);
    expect(await store.list({ limit: 3, offset: 9 })).toEqual({ entries: [], total: 7, offset: 9, limit: 3 });

    const newest = await store.list({ messageClass: 'OrderPlaced', order: 'newest-first', limit: 2, offset: 1 });
    expect(newest.entries.map((entry) => entry.id)).toEqual(['e3', 'e1']);
    expect(newest.total).toBe(3);
    expect(await store.list({ reason: 'rejected', limit: 0 })).toEqual({ entries: [], total: 2, offset: 0, limit: 0 });
  });

  suite.test('lists 100 entries a page unless told otherwise', async (store) => {
    for (let index = 0; index < 105; index++) {
      await store.upsert(deadLetter({ id: `p${String(index).padStart(3, '0')}`, at: index }));
    }

    const page = await store.list();
    expect(page.entries).toHaveLength(100);
    expect(page).toMatchObject({ total: 105, limit: 100 });
  });

  suite.test('rejects a query it cannot apply with InvalidDeadLetterQueryError', async (store) => {
    await seed(store);

    for (const query of [{ since: 'yesterday-ish' }, { offset: -1 }, { limit: 2.5 }]) {
      await expect(store.list(query)).rejects.toMatchObject({
        name: InvalidDeadLetterQueryError.name,
        code: 'SM_INVALID_DEAD_LETTER_QUERY',
      });
    }
    await expect(store.purge({ until: 'not a time' })).rejects.toBeInstanceOf(InvalidDeadLetterQueryError);
    expect((await store.list()).total).toBe(7);
  });
}
