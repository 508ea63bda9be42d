import { isDeepStrictEqual } from 'node:util';
import type { CapturedMessage } from './captured-message';

/**
 * Which captured messages a query means: a predicate on the payload (and entry), or some of the
 * payload's properties, each compared deeply (`{ orderId: 'o-1' }`).
 */
export type MessageMatch<T extends object> =
  ((payload: T, entry: CapturedMessage<T>) => boolean) | { readonly [K in keyof T]?: T[K] };

export function matches<T extends object>(entry: CapturedMessage<T>, match: MessageMatch<T> | undefined): boolean {
  if (match === undefined) return true;
  let payload: T;
  try {
    payload = entry.payload;
  } catch {
    return false; // an undecodable payload matches no payload condition
  }
  if (typeof match === 'function') return match(payload, entry);
  return Object.entries(match).every(([key, value]) =>
    isDeepStrictEqual(comparable((payload as Record<string, unknown>)[key]), comparable(value)),
  );
}

/** Class instances compare as their properties: a nested message is an instance, a test writes a literal. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, comparable(inner)]));
}

export function describeMatch(match: MessageMatch<object> | undefined): string {
  if (match === undefined) return '';
  if (typeof match === 'function') return ' matching the predicate';
  return ` with ${JSON.stringify(match)}`;
}
