import { MessageLogger } from '../interfaces/message-logger.interface';
import { NestMessageLogger } from '../module/nest-message-logger';
import { DeadLetterEntry } from './dead-letter-entry.interface';
import { InvalidDeadLetterBoundError } from './invalid-dead-letter-bound.error';
import { toStoredDeadLetter } from './stored-dead-letter';

/** Entries a dead letter store keeps unless told otherwise. */
export const DEFAULT_DEAD_LETTER_MAX_ENTRIES = 10_000;
/** Bytes of stored entries (their JSON, UTF-8) a dead letter store keeps unless told otherwise: 64 MiB. */
export const DEFAULT_DEAD_LETTER_MAX_BYTES = 64 * 1024 * 1024;

/**
 * How much a dead letter store holds. Whoever can publish can make dead letters, so every store
 * is bounded: past a bound it evicts its oldest entries, counts them (`stats().evicted`) and logs
 * a warning naming them.
 */
export interface DeadLetterBoundsOptions {
  /** Entries kept at most (default 10,000). */
  maxEntries?: number;
  /**
   * Bytes kept at most, all entries together, measured as each entry's stored JSON in UTF-8
   * (default 64 MiB). An entry larger than this on its own is not kept, and counts as evicted.
   */
  maxBytes?: number;
  /** Where evictions are logged; Nest's `Logger` (context `SmartMessage:DeadLetters`) by default. */
  logger?: MessageLogger;
}

export interface DeadLetterBounds {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly logger: MessageLogger;
}

/** An entry a store evicted to stay within its bounds. */
export interface EvictedDeadLetter {
  id: string;
  messageClass?: string;
  reason: string;
  bytes: number;
}

export function resolveDeadLetterBounds(options: DeadLetterBoundsOptions, store: string): DeadLetterBounds {
  return {
    maxEntries: bound(options.maxEntries, DEFAULT_DEAD_LETTER_MAX_ENTRIES, store, 'maxEntries'),
    maxBytes: bound(options.maxBytes, DEFAULT_DEAD_LETTER_MAX_BYTES, store, 'maxBytes'),
    logger: options.logger ?? new NestMessageLogger('SmartMessage:DeadLetters'),
  };
}

/** What an entry counts against `maxBytes`: its stored JSON in UTF-8, the same in every store. */
export function deadLetterSize(entry: DeadLetterEntry): number {
  return Buffer.byteLength(JSON.stringify(toStoredDeadLetter(entry)), 'utf8');
}

export function evictedDeadLetter(entry: DeadLetterEntry, bytes: number): EvictedDeadLetter {
  const messageClass = entry.envelope?.header.messageClass;
  return { id: entry.id, ...(messageClass === undefined ? {} : { messageClass }), reason: entry.reason, bytes };
}

/** One warning per write that evicted, naming the entries (the first ten) and the bound. */
export function reportEvictions(store: string, bounds: DeadLetterBounds, evicted: readonly EvictedDeadLetter[]): void {
  if (evicted.length === 0) return;
  const shown = evicted.slice(0, 10).map((entry) => entry.id);
  const more = evicted.length > shown.length ? ` and ${evicted.length - shown.length} more` : '';
  bounds.logger.warn(
    `${store} evicted ${evicted.length} dead letter(s) to stay within maxEntries ${bounds.maxEntries} and ` +
      `maxBytes ${bounds.maxBytes}: ${shown.join(', ')}${more}. Replay or purge dead letters, or raise the bounds`,
    { store, evicted: evicted.length, ids: shown, bytes: evicted.reduce((sum, entry) => sum + entry.bytes, 0) },
  );
}

function bound(value: number | undefined, fallback: number, store: string, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidDeadLetterBoundError(store, option, value);
  return value;
}
