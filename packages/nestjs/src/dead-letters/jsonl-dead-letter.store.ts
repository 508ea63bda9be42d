import { randomUUID } from 'node:crypto';
import { FileHandle, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeadLetterEntry } from './dead-letter-entry.interface';
import {
  DeadLetterBounds,
  DeadLetterBoundsOptions,
  EvictedDeadLetter,
  evictedDeadLetter,
  reportEvictions,
  resolveDeadLetterBounds,
} from './dead-letter-bounds';
import { compileDeadLetterFilter, pageOfDeadLetters } from './dead-letter-query';
import { summarizeDeadLetters } from './dead-letter-stats';
import {
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterStats,
  DeadLetterStore,
} from './dead-letter-store.interface';
import { fromStoredDeadLetter, isStoredDeadLetter, toStoredDeadLetter } from './stored-dead-letter';
import { KeyedLock } from './keyed-lock';

/** Also its bounds: `maxEntries` (default 10,000), `maxBytes` (default 64 MiB) and the `logger` of evictions. */
export interface JsonlDeadLetterStoreOptions extends DeadLetterBoundsOptions {
  /** Flush each write to disk before it resolves (default true): a recorded dead letter survives a crash. */
  fsync?: boolean;
}

/** What `compact()` did. */
export interface JsonlCompaction {
  /** Entries kept, one line each. */
  entries: number;
  /** Lines dropped: replaced updates, removals and the entries they removed, unreadable lines. */
  droppedLines: number;
}

/** A removal, appended like any other line; the entry it names is gone from then on. */
interface RemovalLine {
  id: string;
  removed: true;
  removedAt: string;
  /** Removed to stay within the bounds: counted in `stats().evicted` by every reader. */
  evicted?: true;
}

/** An entry too large for `maxBytes` on its own: never written, but counted as evicted. */
interface RefusalLine {
  id: string;
  evicted: true;
  removed: false;
  refusedAt: string;
}

/** The first line of a compacted file: evictions counted in the lines compaction dropped. */
interface EvictionTallyLine {
  evictedBefore: number;
}

const STORE_NAME = 'JsonlDeadLetterStore';

const NEWLINE = 0x0a;
/** Purges write their removal lines in batches of about this size rather than one write each. */
const PURGE_WRITE_BYTES = 64 * 1024;
const COMPACT_TRIES = 5;

/**
 * Dead letters in a JSON Lines file: one entry per line, updates and removals appended as new
 * lines, the last line of an id wins. Every line is appended with a single write to a file
 * opened in append mode, so several processes can share one file without losing or tearing
 * lines. Reads pick up only what was appended since the last read.
 */
export class JsonlDeadLetterStore implements DeadLetterStore {
  private readonly lock = new KeyedLock();
  private readonly fsync: boolean;
  private entries = new Map<string, DeadLetterEntry>();
  /** Bytes of each entry's line, in the order of `entries` (write order: the first is evicted first). */
  private sizes = new Map<string, number>();
  private bytes = 0;
  private evicted = 0;
  private readonly bounds: DeadLetterBounds;
  /** Bytes of the file already read, up to the end of the last complete line. */
  private position = 0;
  /** Lines read so far, for what compaction reports. */
  private lines = 0;
  /** Device and inode of the file read: a compaction elsewhere replaces the file, and reading starts over. */
  private identity?: string;
  private directoryReady = false;

  constructor(
    readonly path: string,
    options: JsonlDeadLetterStoreOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
    this.bounds = resolveDeadLetterBounds(options, STORE_NAME);
  }

  /**
   * Appends the entry and, in the same write, the removal of the entries written longest ago
   * that the bounds leave no room for; an entry larger than `maxBytes` is not written.
   */
  upsert(entry: DeadLetterEntry): Promise<void> {
    return this.lock.run('file', async () => {
      await this.refresh();
      const line = JSON.stringify(toStoredDeadLetter(entry));
      const size = Buffer.byteLength(line, 'utf8');
      if (size > this.bounds.maxBytes) {
        const refusal: RefusalLine = {
          id: entry.id,
          evicted: true,
          removed: false,
          refusedAt: new Date().toISOString(),
        };
        await this.append(`${JSON.stringify(refusal)}\n`);
        reportEvictions(STORE_NAME, this.bounds, [evictedDeadLetter(entry, size)]);
        return;
      }
      let count = this.entries.size + (this.entries.has(entry.id) ? 0 : 1);
      let bytes = this.bytes - (this.sizes.get(entry.id) ?? 0) + size;
      const evicted: EvictedDeadLetter[] = [];
      for (const [id, held] of this.sizes) {
        if (count <= this.bounds.maxEntries && bytes <= this.bounds.maxBytes) break;
        if (id === entry.id) continue;
        evicted.push(evictedDeadLetter(this.entries.get(id) as DeadLetterEntry, held));
        count--;
        bytes -= held;
      }
      await this.append(`${line}\n${evicted.map((gone) => removalLine(gone.id, true)).join('')}`);
      reportEvictions(STORE_NAME, this.bounds, evicted);
    });
  }

  get(id: string): Promise<DeadLetterEntry | undefined> {
    return this.reading(() => {
      const entry = this.entries.get(id);
      return entry === undefined ? undefined : structuredClone(entry);
    });
  }

  list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    return this.reading(() => {
      const page = pageOfDeadLetters(this.entries.values(), query);
      return { ...page, entries: page.entries.map((entry) => structuredClone(entry)) };
    });
  }

  stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    const compiled = compileDeadLetterFilter(filter);
    return this.reading(() =>
      summarizeDeadLetters(
        [...this.entries.values()].filter((e) => compiled.matches(e)),
        this.evicted,
      ),
    );
  }

  async remove(id: string): Promise<boolean> {
    const present = await this.reading(() => this.entries.has(id));
    if (present) await this.append(removalLine(id));
    return present;
  }

  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const compiled = compileDeadLetterFilter(filter);
    const ids = await this.reading(() =>
      [...this.entries.values()].filter((entry) => compiled.matches(entry)).map((entry) => entry.id),
    );
    let batch = '';
    for (const id of ids) {
      batch += removalLine(id);
      if (batch.length >= PURGE_WRITE_BYTES) {
        await this.append(batch);
        batch = '';
      }
    }
    if (batch.length > 0) await this.append(batch);
    return ids.length;
  }

  /**
   * Rewrites the file with one line per live entry. The new file replaces the old one by a
   * rename; a line another process appends in the moment between the last check and the rename
   * is lost, so compact while other writers are idle (e.g. at deploy time, or from one process).
   */
  compact(): Promise<JsonlCompaction> {
    return this.lock.run('file', async () => {
      for (let attempt = 0; attempt < COMPACT_TRIES; attempt++) {
        await this.refresh();
        const readUpTo = this.position;
        const readIdentity = this.identity;
        const lines = [...this.entries.values()].map((entry) => JSON.stringify(toStoredDeadLetter(entry)));
        // The evictions counted so far outlive the lines that recorded them.
        if (this.evicted > 0)
          lines.unshift(JSON.stringify({ evictedBefore: this.evicted } satisfies EvictionTallyLine));
        const content = lines.join('\n');
        const text = content.length > 0 ? `${content}\n` : '';
        const temporary = `${this.path}.compact-${process.pid}-${randomUUID()}`;
        await this.ensureDirectory();
        await writeWhole(temporary, 'w', text, this.fsync);
        const now = await statOrUndefined(this.path);
        const unchanged =
          now === undefined
            ? readIdentity === undefined
            : `${now.dev}:${now.ino}` === readIdentity && now.size === readUpTo;
        if (!unchanged) {
          await unlink(temporary);
          continue;
        }
        await rename(temporary, this.path);
        const droppedLines = this.lines - lines.length;
        const replaced = await stat(this.path);
        this.identity = `${replaced.dev}:${replaced.ino}`;
        this.position = replaced.size;
        this.lines = lines.length;
        return { entries: this.entries.size, droppedLines };
      }
      throw new Error(`${this.path} kept changing while it was compacted; try again when writers are idle`);
    });
  }

  /** Runs `read` on the entries once everything appended so far has been read. */
  private reading<T>(read: () => T): Promise<T> {
    return this.lock.run('file', async () => {
      await this.refresh();
      return read();
    });
  }

  private async append(text: string): Promise<void> {
    await this.ensureDirectory();
    await writeWhole(this.path, 'a', text, this.fsync);
  }

  private async ensureDirectory(): Promise<void> {
    if (this.directoryReady) return;
    await mkdir(dirname(this.path), { recursive: true });
    this.directoryReady = true;
  }

  /** Reads the lines appended since the last read; starts over when the file was replaced or truncated. */
  private async refresh(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.startOver(undefined);
      return;
    }
    try {
      const { dev, ino, size } = await handle.stat();
      const identity = `${dev}:${ino}`;
      if (identity !== this.identity || size < this.position) this.startOver(identity);
      if (size === this.position) return;
      const unread = Buffer.alloc(size - this.position);
      let filled = 0;
      while (filled < unread.length) {
        const { bytesRead } = await handle.read(unread, filled, unread.length - filled, this.position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      // A line still being written (or torn by a crash) is read once its newline is there.
      const end = unread.subarray(0, filled).lastIndexOf(NEWLINE);
      if (end < 0) return;
      for (const line of unread.subarray(0, end).toString('utf8').split('\n')) this.apply(line);
      this.position += end + 1;
    } finally {
      await handle.close();
    }
  }

  private startOver(identity: string | undefined): void {
    this.entries = new Map();
    this.sizes = new Map();
    this.bytes = 0;
    this.evicted = 0;
    this.position = 0;
    this.lines = 0;
    this.identity = identity;
  }

  private apply(line: string): void {
    if (line.trim().length === 0) return;
    this.lines++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return; // a line torn by a crash mid-write: skipped, and dropped at the next compaction
    }
    if (isRemoval(value)) {
      this.forget(value.id);
      if (value.evicted === true) this.evicted++;
    } else if (isRefusal(value)) this.evicted++;
    else if (isEvictionTally(value)) this.evicted += value.evictedBefore;
    else if (isStoredDeadLetter(value)) {
      // Re-inserted, so the map's order follows each entry's latest line.
      this.forget(value.id);
      this.entries.set(value.id, fromStoredDeadLetter(value));
      const size = Buffer.byteLength(line, 'utf8');
      this.sizes.set(value.id, size);
      this.bytes += size;
    }
  }

  private forget(id: string): void {
    this.entries.delete(id);
    this.bytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
  }
}

function removalLine(id: string, evicted = false): string {
  const removal: RemovalLine = {
    id,
    removed: true,
    removedAt: new Date().toISOString(),
    ...(evicted ? { evicted: true as const } : {}),
  };
  return `${JSON.stringify(removal)}\n`;
}

function isRefusal(value: unknown): value is RefusalLine {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<RefusalLine>).evicted === true &&
    (value as Partial<RefusalLine>).removed === false
  );
}

function isEvictionTally(value: unknown): value is EvictionTallyLine {
  const tally = (value as Partial<EvictionTallyLine> | null)?.evictedBefore;
  return typeof value === 'object' && value !== null && typeof tally === 'number' && Number.isSafeInteger(tally);
}

function isRemoval(value: unknown): value is RemovalLine {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<RemovalLine>).removed === true &&
    typeof (value as Partial<RemovalLine>).id === 'string'
  );
}

/** One write of the whole text: in append mode the kernel places it at the end as one piece. */
async function writeWhole(path: string, flags: 'a' | 'w', text: string, fsync: boolean): Promise<void> {
  const handle = await open(path, flags);
  try {
    const bytes = Buffer.from(text, 'utf8');
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length, null);
    if (bytesWritten !== bytes.length) {
      throw new Error(`wrote ${bytesWritten} of ${bytes.length} bytes to ${path}; the file may end in a torn line`);
    }
    if (fsync) await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function statOrUndefined(path: string): Promise<{ dev: number; ino: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
