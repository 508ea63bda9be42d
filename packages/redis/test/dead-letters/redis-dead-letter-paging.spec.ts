import { DeadLetterEntry } from '@smart-message/nestjs';
import { RedisDeadLetterStore } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { Redis } from 'ioredis';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

const ENTRIES = 300;
const PAYLOAD_BYTES = 50 * 1024;

function entry(index: number, messageClass: string): DeadLetterEntry {
  const at = new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString();
  return {
    id: `e${String(index).padStart(4, '0')}`,
    reason: index % 7 === 0 ? 'invalid' : 'handler-failed',
    envelope: {
      header: {
        uuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        messageClass,
        version: 1,
        publishedAt: at,
        publisherPid: 1,
        from: 'orders',
        serializer: 'json',
      },
      payload: JSON.stringify({ blob: 'x'.repeat(PAYLOAD_BYTES) }),
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

/**
 * Every command the store sends that reads entries from its entries hash, seen through a real
 * MONITOR connection: what a filtered page or stats read of the 50 KB payloads.
 */
class EntryReads {
  readonly fields: string[] = [];
  readonly whole: string[] = [];
  private marks = new Set<string>();

  private constructor(
    private readonly monitor: Awaited<ReturnType<Redis['monitor']>>,
    private readonly entriesKey: string,
  ) {
    monitor.on('monitor', (_time: string, args: string[]) => {
      const [command = '', key, ...rest] = args.map(String);
      if (command.toLowerCase() === 'echo' && key !== undefined) this.marks.add(key);
      if (key !== this.entriesKey) return;
      const name = command.toLowerCase();
      if (name === 'hget' || name === 'hmget') this.fields.push(...rest);
      if (name === 'hgetall' || name === 'hvals' || name === 'hscan') this.whole.push(name);
    });
  }

  static async start(client: Redis, entriesKey: string): Promise<EntryReads> {
    return new EntryReads(await client.monitor(), entriesKey);
  }

  /** Waits until MONITOR has shown everything sent before this mark. */
  async settle(client: Redis, mark: string): Promise<void> {
    await client.echo(mark);
    await waitFor(() => this.marks.has(mark), `MONITOR to show ${mark}`);
  }

  reset(): void {
    this.fields.length = 0;
    this.whole.length = 0;
  }

  stop(): void {
    this.monitor.disconnect();
  }
}

describe('RedisDeadLetterStore reads of a filtered page', () => {
  const prefix = uniquePrefix('dead-letter-paging');
  let client: Redis;
  let store: RedisDeadLetterStore;
  let reads: EntryReads;

  beforeAll(async () => {
    client = new Redis('redis://127.0.0.1:6379');
    store = new RedisDeadLetterStore({ client, prefix });
    for (let index = 0; index < ENTRIES; index++) {
      await store.upsert(entry(index, index % 100 === 50 ? 'RareRefund' : 'OrderPlaced'));
    }
    reads = await EntryReads.start(client, store.entriesKey);
  }, 60_000);

  afterAll(async () => {
    reads.stop();
    client.disconnect();
    await deleteKeys(prefix);
  });

  beforeEach(() => reads.reset());

  it('fetches only the entries of the page, whatever the filter passes over', async () => {
    const page = await store.list({ messageClass: 'RareRefund', limit: 1, offset: 1 });
    await reads.settle(client, `${prefix}after-list`);

    expect(page.total).toBe(3);
    expect(page.entries.map((found) => found.id)).toEqual(['e0150']);
    expect(reads.whole).toEqual([]);
    expect(reads.fields).toEqual(['e0150']);
  });

  it('fetches only the page for a reason filter too, newest first', async () => {
    const page = await store.list({ reason: 'invalid', order: 'newest-first', limit: 2 });
    await reads.settle(client, `${prefix}after-reason`);

    expect(page.entries.map((found) => found.id)).toEqual(['e0294', 'e0287']);
    expect(reads.fields).toEqual(['e0294', 'e0287']);
  });

  it('counts stats and purges by filter without reading any entry', async () => {
    const stats = await store.stats({ messageClass: 'RareRefund' });
    expect(await store.purge({ messageClass: 'RareRefund' })).toBe(3);
    await reads.settle(client, `${prefix}after-stats`);

    expect(stats).toMatchObject({ total: 3, byMessageClass: { RareRefund: 3 } });
    expect(reads.fields).toEqual([]);
    expect(reads.whole).toEqual([]);
    expect((await store.stats()).total).toBe(ENTRIES - 3);
  });
});
