/** How the wait between retries grows. */
export interface Backoff {
  /** The wait before the retry after the first failure (attempt 0); it doubles with each attempt. */
  readonly baseMs: number;
  /** The longest wait: past it the delay stops growing, so a peer that is back is found soon. */
  readonly maxMs: number;
  /**
   * Wait a random half to all of the delay, so that many clients that lost their broker at the
   * same moment do not all retry in the same millisecond.
   */
  readonly jitter?: boolean;
}

/**
 * The wait before retry `attempt`: `baseMs` doubled `attempt` times, at most `maxMs`, with
 * `jitter` a random half to all of it (rounded to whole milliseconds).
 */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  // The exponent is capped: past it the delay is maxMs anyway, and 2 ** 1100 is Infinity.
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return backoff.jitter ? Math.round(ceiling / 2 + (Math.random() * ceiling) / 2) : ceiling;
}
