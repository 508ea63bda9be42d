import { UndeliverableReason } from '../interfaces/undeliverable.interface';
import { DeadLetterEntry } from './dead-letter-entry.interface';

/** Which entries a list, stats or purge is about; every given criterion must hold. */
export interface DeadLetterFilter {
  /** Message type name(s) (the header's `messageClass`). */
  messageClass?: string | string[];
  handlerId?: string | string[];
  reason?: UndeliverableReason | UndeliverableReason[];
  /** Last failure at or after this time. */
  since?: Date | string;
  /** Last failure before this time. */
  until?: Date | string;
}

export type DeadLetterOrder = 'oldest-first' | 'newest-first';

/** A filter plus paging: entries ordered by their last failure time, then by id. */
export interface DeadLetterQuery extends DeadLetterFilter {
  /** Entries to skip (default 0). */
  offset?: number;
  /** Entries to return at most (default 100); 0 only counts. */
  limit?: number;
  /** Default `oldest-first`, the order a queue is worked off in. */
  order?: DeadLetterOrder;
}

export interface DeadLetterPage {
  entries: DeadLetterEntry[];
  /** How many entries match the filter, on all pages. */
  total: number;
  offset: number;
  limit: number;
}

export interface DeadLetterStats {
  total: number;
  byReason: Partial<Record<UndeliverableReason, number>>;
  /** Entries whose frame could not be read count under `(unknown)`. */
  byMessageClass: Record<string, number>;
  /** Entries of a handler; those no handler got are not counted here. */
  byHandler: Record<string, number>;
  oldestFailedAt?: string;
  newestFailedAt?: string;
  /**
   * Entries the store evicted, ever, to stay within its `maxEntries` and `maxBytes`: counted
   * across the whole store (not narrowed by the filter), and shared by every instance of a shared store.
   */
  evicted: number;
}

/**
 * Where dead letters are kept. Every store is bounded in entries and bytes and evicts its oldest
 * entries past a bound (see `DeadLetterBoundsOptions`). Every store has the same behaviour, which
 * `describeDeadLetterStoreContract` in `@smart-message/testing` checks.
 */
export interface DeadLetterStore {
  /** Adds the entry, or replaces the one with its id. */
  upsert(entry: DeadLetterEntry): Promise<void>;
  get(id: string): Promise<DeadLetterEntry | undefined>;
  list(query?: DeadLetterQuery): Promise<DeadLetterPage>;
  stats(filter?: DeadLetterFilter): Promise<DeadLetterStats>;
  /** Resolves with whether there was such an entry. */
  remove(id: string): Promise<boolean>;
  /** Removes every entry the filter matches (all without one); resolves with how many. */
  purge(filter?: DeadLetterFilter): Promise<number>;
  /** Releases connections or handles the store opened itself. */
  close?(): Promise<void>;
}
