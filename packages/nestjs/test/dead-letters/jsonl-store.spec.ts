import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetterEntry, JsonlDeadLetterStore } from '@smart-message/nestjs';

const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

function entry(id: string, minute: number, payload: string | Uint8Array = '{"sku":"MUG-01"}'): DeadLetterEntry {
  return {
    id,
    reason: 'handler-failed',
    envelope: {
      header: {
        uuid: `uuid-${id}`,
        messageClass: 'OrderPlaced',
        version: 1,
        publishedAt: at(minute),
        publisherPid: 1,
        from: 'orders',
        serializer: 'json',
      },
      payload,
    },
    handlerId: 'Packer.onOrder',
    transport: 'memory',
    attempts: 1,
    lastAttempt: 1,
    firstFailedAt: at(minute),
    lastFailedAt: at(minute),
    error: { name: 'Error', message: `failed ${id}` },
  };
}

const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const ids = async (store: JsonlDeadLetterStore): Promise<string[]> =>
  (await store.list()).entries.map((listed) => listed.id);

describe('JsonlDeadLetterStore file', () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sm-jsonl-'));
    path = join(directory, 'nested', 'dead-letters.jsonl');
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('reads a missing file as empty and creates file and directory at the first write', async () => {
    const store = new JsonlDeadLetterStore(path);
    expect(await store.list()).toEqual({ entries: [], total: 0, offset: 0, limit: 100 });
    expect(existsSync(path)).toBe(false);

    await store.upsert(entry('a', 1));
    expect(lines(path)).toHaveLength(1);
  });

  it('appends updates and removals as lines of their own; the last line of an id wins', async () => {
    const store = new JsonlDeadLetterStore(path);
    await store.upsert(entry('a', 1));
    await store.upsert(entry('b', 2));
    await store.upsert({ ...entry('a', 3), attempts: 2 });
    await store.remove('b');

    expect(lines(path)).toEqual([
      expect.objectContaining({ id: 'a', attempts: 1 }),
      expect.objectContaining({ id: 'b', attempts: 1 }),
      expect.objectContaining({ id: 'a', attempts: 2 }),
      { id: 'b', removed: true, removedAt: expect.any(String) },
    ]);
    expect((await store.list()).entries).toEqual([{ ...entry('a', 3), attempts: 2 }]);
  });

  it('writes a binary payload as base64 with a flag, and reads it back as bytes', async () => {
    const store = new JsonlDeadLetterStore(path);
    await store.upsert(entry('bin', 1, new Uint8Array([1, 2, 3, 255])));

    expect(lines(path)[0]).toMatchObject({ envelope: { payload: 'AQID/w==', payloadEncoding: 'base64' } });
    expect((await new JsonlDeadLetterStore(path).get('bin'))?.envelope?.payload).toEqual(
      new Uint8Array([1, 2, 3, 255]),
    );
  });

  it('picks up lines other writers appended since its last read', async () => {
    const reader = new JsonlDeadLetterStore(path);
    const writer = new JsonlDeadLetterStore(path);
    await writer.upsert(entry('a', 1));
    expect(await ids(reader)).toEqual(['a']);

    await writer.upsert(entry('b', 2));
    await writer.remove('a');
    expect(await ids(reader)).toEqual(['b']);
  });

  it('skips a line torn by a crash, and reads a line still being written once it is complete', async () => {
    const store = new JsonlDeadLetterStore(path);
    await store.upsert(entry('a', 1));
    appendFileSync(path, '{"id":"torn","reason":"handl\n');
    await store.upsert(entry('b', 2));
    const whole = JSON.stringify(JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!));
    const half = Math.floor(whole.length / 2);
    appendFileSync(path, whole.replace('"id":"a"', '"id":"c"').slice(0, half));

    expect(await ids(store)).toEqual(['a', 'b']);

    appendFileSync(path, `${whole.replace('"id":"a"', '"id":"c"').slice(half)}\n`);
    expect(await ids(store)).toEqual(['a', 'c', 'b']);
  });

  it('compact() rewrites the file with one line per live entry; other instances follow the new file', async () => {
    const store = new JsonlDeadLetterStore(path);
    const other = new JsonlDeadLetterStore(path);
    for (let index = 0; index < 5; index++) await store.upsert(entry(`e${index}`, index));
    await store.upsert({ ...entry('e1', 9), attempts: 2 });
    await store.purge({ until: at(3) }); // e0, e2
    appendFileSync(path, 'not json\n');
    expect(await ids(other)).toEqual(['e3', 'e4', 'e1']);

    expect(await store.compact()).toEqual({ entries: 3, droppedLines: 6 });

    expect(lines(path).map((line) => [line.id, line.attempts])).toEqual([
      ['e3', 1],
      ['e4', 1],
      ['e1', 2],
    ]);
    expect(await ids(other)).toEqual(['e3', 'e4', 'e1']);
    await other.upsert(entry('e5', 10));
    expect(await ids(store)).toEqual(['e3', 'e4', 'e1', 'e5']);
    expect(lines(path)).toHaveLength(4);
  });
});
