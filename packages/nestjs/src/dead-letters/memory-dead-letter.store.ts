import { DeadLetterEntry } from './dead-letter-entry.interface';
import {
  DeadLetterBounds,
  DeadLetterBoundsOptions,
  deadLetterSize,
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

/** Options of `MemoryDeadLetterStore`: its bounds (default 10,000 entries, 64 MiB). */
export type MemoryDeadLetterStoreOptions = DeadLetterBoundsOptions;

interface HeldEntry {
  entry: DeadLetterEntry;
  bytes: number;
}

const STORE_NAME = 'MemoryDeadLetterStore';

/**
 * Dead letters in this process only, lost at exit: for tests and for services that keep none.
 * Bounded in entries and bytes: past a bound the entries written longest ago are evicted first.
 */
export class MemoryDeadLetterStore implements DeadLetterStore {
  /** In write order: a rewritten entry moves to the end, so the first one is the one to evict. */
  private readonly entries = new Map<string, HeldEntry>();
  private readonly bounds: DeadLetterBounds;
  private bytes = 0;
  private evicted = 0;

  constructor(options: MemoryDeadLetterStoreOptions = {}) {
    this.bounds = resolveDeadLetterBounds(options, STORE_NAME);
  }

  async upsert(entry: DeadLetterEntry): Promise<void> {
    const bytes = deadLetterSize(entry);
    if (bytes > this.bounds.maxBytes) {
      this.evicted++;
      reportEvictions(STORE_NAME, this.bounds, [evictedDeadLetter(entry, bytes)]);
      return;
    }
    this.drop(entry.id);
    // Copies in and out, so no caller changes what the store holds.
    this.entries.set(entry.id, { entry: structuredClone(entry), bytes });
    this.bytes += bytes;
    const evicted: EvictedDeadLetter[] = [];
    for (const [id, held] of this.entries) {
      if (this.entries.size <= this.bounds.maxEntries && this.bytes <= this.bounds.maxBytes) break;
      this.drop(id);
      evicted.push(evictedDeadLetter(held.entry, held.bytes));
    }
    this.evicted += evicted.length;
    reportEvictions(STORE_NAME, this.bounds, evicted);
  }

  async get(id: string): Promise<DeadLetterEntry | undefined> {
    const held = this.entries.get(id);
    return held === undefined ? undefined : structuredClone(held.entry);
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    const page = pageOfDeadLetters(this.all(), query);
    return { ...page, entries: page.entries.map((entry) => structuredClone(entry)) };
  }

  async stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    const compiled = compileDeadLetterFilter(filter);
    return summarizeDeadLetters(
      this.all().filter((entry) => compiled.matches(entry)),
      this.evicted,
    );
  }

  async remove(id: string): Promise<boolean> {
    return this.drop(id);
  }

  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const compiled = compileDeadLetterFilter(filter);
    let removed = 0;
    for (const [id, held] of this.entries) {
      if (!compiled.matches(held.entry)) continue;
      this.drop(id);
      removed++;
    }
    return removed;
  }

  private all(): DeadLetterEntry[] {
    return [...this.entries.values()].map((held) => held.entry);
  }

  private drop(id: string): boolean {
    const held = this.entries.get(id);
    if (held === undefined) return false;
    this.entries.delete(id);
    this.bytes -= held.bytes;
    return true;
  }
}
