/** One settled promise for every "nothing to wait for" answer on the hot path: no allocation per call. */
export const SETTLED: Promise<void> = Promise.resolve();

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** What was thrown, as an Error (handlers may throw anything). */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
