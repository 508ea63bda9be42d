import { expect } from '@jest/globals';
import { DeadLetterStoreSuite } from '../dead-letter-store-suite';
import { deadLetter, unreadableFrame } from '../dead-letter-fixtures';

export function describeRoundTripCases(suite: DeadLetterStoreSuite): void {
  suite.test('get returns an upserted entry exactly as it was given', async (store) => {
    const entry = deadLetter({ id: 'a1' });
    await store.upsert(entry);

    expect(await store.get('a1')).toEqual(entry);
    expect(await store.get('missing')).toBeUndefined();
  });

  suite.test('a binary payload comes back as bytes, a text payload as text', async (store) => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
    await store.upsert(deadLetter({ id: 'bin', payload: bytes }));
    await store.upsert(deadLetter({ id: 'txt', payload: '{"text":"caf\u00e9 \u2615"}' }));

    const binary = (await store.get('bin'))?.envelope?.payload;
    expect(binary).toBeInstanceOf(Uint8Array);
    expect([...(binary as Uint8Array)]).toEqual([...bytes]);
    expect((await store.get('txt'))?.envelope?.payload).toBe('{"text":"caf\u00e9 \u2615"}');
  });

  suite.test('a frame that could not be read is kept raw, as text or as bytes', async (store) => {
    const bytes = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    await store.upsert(unreadableFrame('f-text', 'not json {'));
    await store.upsert(unreadableFrame('f-bytes', bytes));

    expect(await store.get('f-text')).toEqual(unreadableFrame('f-text', 'not json {'));
    const kept = await store.get('f-bytes');
    expect(kept?.envelope).toBeUndefined();
    expect(kept?.frame).toBeInstanceOf(Uint8Array);
    expect([...(kept?.frame as Uint8Array)]).toEqual([...bytes]);
  });

  suite.test('upsert of a known id replaces the entry instead of adding one', async (store) => {
    await store.upsert(deadLetter({ id: 'a1', at: 1 }));
    const updated = {
      ...deadLetter({ id: 'a1', at: 5, attempts: 2 }),
      error: { name: 'TimeoutError', message: 'warehouse did not answer' },
    };
    await store.upsert(updated);

    expect(await store.get('a1')).toEqual(updated);
    const page = await store.list();
    expect(page.total).toBe(1);
    expect(page.entries).toEqual([updated]);
  });

  suite.test('changing an entry a store returned does not change the store', async (store) => {
    await store.upsert(deadLetter({ id: 'a1' }));
    const first = await store.get('a1');
    first!.attempts = 99;
    first!.error.message = 'changed';

    const again = await store.get('a1');
    expect(again?.attempts).toBe(1);
    expect(again?.error.message).toBe('no stock for a1');
  });

  suite.testReopened('entries outlive the store instance that wrote them', async (store, reopen) => {
    await store.upsert(deadLetter({ id: 'a1', at: 1 }));
    await store.upsert(deadLetter({ id: 'a2', at: 2 }));
    await store.remove('a1');

    const other = await reopen();
    expect((await other.list()).entries.map((entry) => entry.id)).toEqual(['a2']);
    await other.upsert(deadLetter({ id: 'a3', at: 3 }));
    expect((await store.list()).entries.map((entry) => entry.id)).toEqual(['a2', 'a3']);
  });
}
