import { DeadLetterEntry } from './dead-letter-entry.interface';
import { compileDeadLetterFilter, pageOfDeadLetters } from './dead-letter-query';
import { summarizeDeadLetters } from './dead-letter-stats';
import {
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterStats,
  DeadLetterStore,
} from './dead-letter-store.interface';

/** Dead letters in this process only, lost at exit: for tests and for services that keep none. */
export class MemoryDeadLetterStore implements DeadLetterStore {
  private readonly entries = new Map<string, DeadLetterEntry>();

  async upsert(entry: DeadLetterEntry): Promise<void> {
    // Copies in and out, so no caller changes what the store holds.
    this.entries.set(entry.id, structuredClone(entry));
  }

  async get(id: string): Promise<DeadLetterEntry | undefined> {
    const entry = this.entries.get(id);
    return entry === undefined ? undefined : structuredClone(entry);
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    const page = pageOfDeadLetters(this.entries.values(), query);
    return { ...page, entries: page.entries.map((entry) => structuredClone(entry)) };
  }

  async stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    const compiled = compileDeadLetterFilter(filter);
    return summarizeDeadLetters([...this.entries.values()].filter((entry) => compiled.matches(entry)));
  }

  async remove(id: string): Promise<boolean> {
    return this.entries.delete(id);
  }

  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const compiled = compileDeadLetterFilter(filter);
    let removed = 0;
    for (const [id, entry] of this.entries) {
      if (!compiled.matches(entry)) continue;
      this.entries.delete(id);
      removed++;
    }
    return removed;
  }
}
