import { UndeliverableReason } from '../interfaces/undeliverable.interface';
import { DeadLetterEntry } from './dead-letter-entry.interface';
import { DeadLetterFilter, DeadLetterOrder, DeadLetterPage, DeadLetterQuery } from './dead-letter-store.interface';
import { InvalidDeadLetterQueryError } from './invalid-dead-letter-query.error';

export const DEFAULT_DEAD_LETTER_PAGE_SIZE = 100;

/** A filter checked once, ready to test entries; `sinceMs`/`untilMs` let indexed stores narrow by time first. */
export interface CompiledDeadLetterFilter {
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** True when the filter names anything besides the time range. */
  readonly hasFieldCriteria: boolean;
  matches(entry: DeadLetterEntry): boolean;
  /** The same test on the few fields it reads, for stores that index them apart from the payload. */
  matchesFields(fields: DeadLetterIndexFields): boolean;
}

/** What filters and stats read of an entry: small, so a store can keep it beside the payload. */
export interface DeadLetterIndexFields {
  reason: UndeliverableReason;
  lastFailedAt: string;
  messageClass?: string;
  handlerId?: string;
}

export interface DeadLetterPaging {
  offset: number;
  limit: number;
  order: DeadLetterOrder;
}

export function compileDeadLetterFilter(filter: DeadLetterFilter = {}): CompiledDeadLetterFilter {
  const messageClasses = asSet(filter.messageClass);
  const handlerIds = asSet(filter.handlerId);
  const reasons = asSet<string>(filter.reason);
  const sinceMs = filter.since === undefined ? undefined : timeOf(filter.since, 'since');
  const untilMs = filter.until === undefined ? undefined : timeOf(filter.until, 'until');
  const matchesFields = (fields: DeadLetterIndexFields): boolean => {
    if (messageClasses && !messageClasses.has(fields.messageClass ?? '')) return false;
    if (handlerIds && !handlerIds.has(fields.handlerId ?? '')) return false;
    if (reasons && !reasons.has(fields.reason)) return false;
    const failedAt = Date.parse(fields.lastFailedAt);
    if (sinceMs !== undefined && failedAt < sinceMs) return false;
    if (untilMs !== undefined && failedAt >= untilMs) return false;
    return true;
  };
  return {
    ...(sinceMs === undefined ? {} : { sinceMs }),
    ...(untilMs === undefined ? {} : { untilMs }),
    hasFieldCriteria: messageClasses !== undefined || handlerIds !== undefined || reasons !== undefined,
    matches: (entry) =>
      matchesFields({
        reason: entry.reason,
        lastFailedAt: entry.lastFailedAt,
        ...(entry.envelope === undefined ? {} : { messageClass: entry.envelope.header.messageClass }),
        ...(entry.handlerId === undefined ? {} : { handlerId: entry.handlerId }),
      }),
    matchesFields,
  };
}

export function resolvePaging(query: DeadLetterQuery = {}): DeadLetterPaging {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? DEFAULT_DEAD_LETTER_PAGE_SIZE;
  const order = query.order ?? 'oldest-first';
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidDeadLetterQueryError('offset', `must be a whole number ≥ 0, got ${String(offset)}`);
  }
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InvalidDeadLetterQueryError('limit', `must be a whole number ≥ 0, got ${String(limit)}`);
  }
  if (order !== 'oldest-first' && order !== 'newest-first') {
    throw new InvalidDeadLetterQueryError('order', `must be oldest-first or newest-first, got ${String(order)}`);
  }
  return { offset, limit, order };
}

/** Last failure time, then id: the order every store lists in (Redis sorted sets break ties by member). */
export function compareDeadLetters(order: DeadLetterOrder): (a: DeadLetterEntry, b: DeadLetterEntry) => number {
  const direction = order === 'oldest-first' ? 1 : -1;
  return (a, b) => {
    const byTime = Date.parse(a.lastFailedAt) - Date.parse(b.lastFailedAt);
    if (byTime !== 0) return byTime * direction;
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * direction;
  };
}

/** Filters, orders and pages entries held in full (the memory and JSON Lines stores). */
export function pageOfDeadLetters(entries: Iterable<DeadLetterEntry>, query: DeadLetterQuery = {}): DeadLetterPage {
  const filter = compileDeadLetterFilter(query);
  const { offset, limit, order } = resolvePaging(query);
  const matching = [...entries].filter((entry) => filter.matches(entry)).sort(compareDeadLetters(order));
  return { entries: matching.slice(offset, offset + limit), total: matching.length, offset, limit };
}

function asSet<T extends string>(value: T | T[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(Array.isArray(value) ? value : [value]);
}

function timeOf(value: Date | string, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidDeadLetterQueryError(field, `is not a readable time: ${String(value)}`);
  return ms;
}
