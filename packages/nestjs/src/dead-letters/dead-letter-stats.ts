import { DeadLetterEntry } from './dead-letter-entry.interface';
import { DeadLetterIndexFields } from './dead-letter-query';
import { DeadLetterStats } from './dead-letter-store.interface';

/** The `byMessageClass` key of entries whose frame could not be read. */
export const UNKNOWN_MESSAGE_CLASS = '(unknown)';

/** Counts entries by reason, message type and handler, and finds the oldest and newest failure. */
export class DeadLetterStatsCounter {
  private readonly stats: DeadLetterStats = { total: 0, byReason: {}, byMessageClass: {}, byHandler: {}, evicted: 0 };
  private oldestMs = Infinity;
  private newestMs = -Infinity;

  add(entry: DeadLetterEntry): void {
    this.addFields({
      reason: entry.reason,
      ...(entry.envelope === undefined ? {} : { messageClass: entry.envelope.header.messageClass }),
      ...(entry.handlerId === undefined ? {} : { handlerId: entry.handlerId }),
      lastFailedAt: entry.lastFailedAt,
    });
  }

  /** Counts an entry by the few fields stats need, for stores that index them apart from the payload. */
  addFields(entry: DeadLetterIndexFields): void {
    const { stats } = this;
    stats.total++;
    stats.byReason[entry.reason] = (stats.byReason[entry.reason] ?? 0) + 1;
    const messageClass = entry.messageClass ?? UNKNOWN_MESSAGE_CLASS;
    stats.byMessageClass[messageClass] = (stats.byMessageClass[messageClass] ?? 0) + 1;
    if (entry.handlerId !== undefined) stats.byHandler[entry.handlerId] = (stats.byHandler[entry.handlerId] ?? 0) + 1;
    const failedAt = Date.parse(entry.lastFailedAt);
    if (failedAt < this.oldestMs) {
      this.oldestMs = failedAt;
      stats.oldestFailedAt = entry.lastFailedAt;
    }
    if (failedAt > this.newestMs) {
      this.newestMs = failedAt;
      stats.newestFailedAt = entry.lastFailedAt;
    }
  }

  /** `evicted`: the store's own count of what it evicted, which no entry holds. */
  result(evicted = 0): DeadLetterStats {
    return { ...this.stats, evicted };
  }
}

export function summarizeDeadLetters(entries: Iterable<DeadLetterEntry>, evicted = 0): DeadLetterStats {
  const counter = new DeadLetterStatsCounter();
  for (const entry of entries) counter.add(entry);
  return counter.result(evicted);
}
