import { backoffDelay } from '@smart-message/nestjs/transport-kit';

/** Longest wait between reconnect attempts: a publish waiting for Redis waits at most this long after it is back. */
export const MAX_RECONNECT_DELAY_MS = 250;

/**
 * The `retryStrategy` of every connection the package opens: reconnect forever, backing off to
 * MAX_RECONNECT_DELAY_MS, with jitter so many instances do not reconnect in step. An attempt to
 * a server that is down costs one refused TCP connect.
 */
export function reconnectDelay(attempt: number): number {
  return backoffDelay(attempt, { baseMs: 25, maxMs: MAX_RECONNECT_DELAY_MS, jitter: true });
}
