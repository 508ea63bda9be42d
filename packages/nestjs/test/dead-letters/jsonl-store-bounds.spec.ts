import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetterEntry, JsonlDeadLetterStore, MessageLogger } from '@smart-message/nestjs';

const quiet: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

function entry(id: string, minute: number): DeadLetterEntry {
  const at = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  return {
    id,
    reason: 'handler-failed',
    frame: 'x'.repeat(100),
    transport: 'durable',
    attempts: 1,
    lastAttempt: 1,
    firstFailedAt: at,
    lastFailedAt: at,
    error: { name: 'Error', message: 'no' },
  };
}

describe('JsonlDeadLetterStore bounds', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sm-jsonl-bounds-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('records evictions in the file, so every reader counts them, and compaction keeps the count', async () => {
    const path = join(directory, 'dead-letters.jsonl');
    const writer = new JsonlDeadLetterStore(path, { maxEntries: 2, fsync: false, logger: quiet });
    for (const [index, id] of ['a', 'b', 'c', 'd'].entries()) await writer.upsert(entry(id, index));

    const reader = new JsonlDeadLetterStore(path, { logger: quiet });
    expect((await reader.list()).entries.map((kept) => kept.id)).toEqual(['c', 'd']);
    expect(await reader.stats()).toMatchObject({ total: 2, evicted: 2 });

    await writer.compact();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    const afterCompaction = new JsonlDeadLetterStore(path, { logger: quiet });
    expect(await afterCompaction.stats()).toMatchObject({ total: 2, evicted: 2 });
    expect((await afterCompaction.list()).entries.map((kept) => kept.id)).toEqual(['c', 'd']);
  });
});
