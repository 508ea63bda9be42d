export interface WaitForOptions {
  /** Fail after this long; generous, because it only bounds a failing test. Default 5000. */
  timeoutMs?: number;
  /** How often the condition is checked. Default 5. */
  intervalMs?: number;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
export const DEFAULT_POLL_INTERVAL_MS = 5;

/**
 * Resolves as soon as `condition()` holds, checking every few milliseconds; rejects after the
 * timeout with an error naming what was awaited. `description` may be a function so the error
 * shows the state at the moment of giving up (e.g. "37 of 200 messages received").
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  description: string | (() => string),
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) {
      const what = typeof description === 'function' ? description() : description;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await pause(intervalMs);
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
