import {
  ConstantBackoff,
  ExponentialBackoff,
  fullJitterGenerator,
  halfJitterGenerator,
  handleWhen,
  noJitterGenerator,
  retry,
  RetryPolicy,
} from 'cockatiel';
import { isNeverRetried } from '../failure-taxonomy';
import { RetryOptions } from './retry-options.interface';

export const DEFAULT_RETRY_ATTEMPTS = 3;
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;

export function isRetryable(error: Error, options: RetryOptions): boolean {
  if (isNeverRetried(error)) return false;
  const condition = options.retryOn;
  if (condition === undefined) return true;
  if (typeof condition === 'function') return condition(error);
  return condition.some((type) => error instanceof type);
}

/** A cockatiel retry policy for `retries` further attempts after the first. */
export function createRetryPolicy(options: RetryOptions, retries: number): RetryPolicy {
  const initialDelay = options.initialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS;
  const backoff =
    options.backoff === 'fixed'
      ? new ConstantBackoff(initialDelay)
      : new ExponentialBackoff({
          initialDelay,
          maxDelay: options.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
          generator:
            options.jitter === 'none'
              ? noJitterGenerator
              : options.jitter === 'half'
                ? halfJitterGenerator
                : fullJitterGenerator,
        });
  return retry(
    handleWhen((error) => isRetryable(error, options)),
    { maxAttempts: retries, backoff },
  );
}
