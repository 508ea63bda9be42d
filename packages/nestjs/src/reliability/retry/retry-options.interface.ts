/** An error class, or a test on the error, that says which failures are worth another attempt. */
export type RetryCondition = readonly (abstract new (...args: never[]) => Error)[] | ((error: Error) => boolean);

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). On durable transports redeliveries count too. */
  attempts?: number;
  /** Delay growth between attempts (default `exponential`). */
  backoff?: 'exponential' | 'fixed';
  /** First delay, and every delay with `fixed` (default 100 ms). */
  initialDelayMs?: number;
  /** Ceiling of the exponential delay (default 30000 ms). */
  maxDelayMs?: number;
  /**
   * Randomness of exponential delays, so many instances do not retry in step: `full` (default,
   * a random delay up to the exponential one), `half` (between half and all of it) or `none`.
   */
  jitter?: 'full' | 'half' | 'none';
  /** Which failures retry (default: all). Validation, refusals and NonRetryableError never do. */
  retryOn?: RetryCondition;
}
