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
import {
  CircuitOpenError,
  MessageRejectedError,
  MessageValidationError,
  NonRetryableError,
  RetriesExhaustedError,
} from '../../errors';
import { RetryOptions } from './retry-options.interface';

export const DEFAULT_RETRY_ATTEMPTS = 3;
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;

/** Failures another attempt cannot fix: never retried, whatever `retryOn` says. */
export function isNeverRetried(error: Error): boolean {
  return (
    error instanceof NonRetryableError ||
    error instanceof MessageRejectedError ||
    error instanceof MessageValidationError ||
    error instanceof RetriesExhaustedError ||
    // An open circuit is not retried in process: the breaker decides when to try again.
    error instanceof CircuitOpenError
  );
}

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
