import {
  CircuitOpenError,
  MessageRejectedError,
  MessageUnauthorizedError,
  MessageValidationError,
  NonRetryableError,
  RetriesExhaustedError,
  UnexpectedReplyError,
} from '../errors';
import { UndeliverableReason } from '../interfaces/undeliverable.interface';

/**
 * The kinds of failure the library tells apart. Whether a failure is final, retried in process,
 * or counted against a circuit breaker is decided here once, for the dispatcher, `@Retry` and
 * `@CircuitBreaker` alike.
 */
export type FailureKind =
  /** A guard refused the message (`MessageRejectedError`). */
  | 'rejected'
  /** A `MessagePolicy` denied the message (`MessageUnauthorizedError`): the same message is denied again. */
  | 'unauthorized'
  /** A reply from a sender the request does not accept (`UnexpectedReplyError`). */
  | 'unexpected-reply'
  /** Something failed validation (`MessageValidationError`): the same input fails again. */
  | 'invalid'
  /** The handler said trying again cannot help (`NonRetryableError`). */
  | 'non-retryable'
  /** A retry policy already gave up (`RetriesExhaustedError`). */
  | 'retries-exhausted'
  /** A circuit breaker refused the call (`CircuitOpenError`). */
  | 'circuit-open'
  /** Anything else: may succeed another time. */
  | 'transient';

export interface FailureRules {
  /** Final even on a transport that redelivers: redelivery cannot change the outcome. */
  readonly finalEverywhere: boolean;
  /** The undeliverable reason it is reported with once final. */
  readonly reason: UndeliverableReason;
  /** Retried in process by `@Retry` (subject to its `retryOn`). */
  readonly retried: boolean;
  /** Counts as a failure of the dependency behind a circuit breaker (not the caller's fault). */
  readonly countsAgainstBreaker: boolean;
}

/** One row per kind; `failure-taxonomy.spec.ts` pins each. */
export const FAILURE_RULES: Readonly<Record<FailureKind, FailureRules>> = Object.freeze({
  rejected: { finalEverywhere: true, reason: 'rejected', retried: false, countsAgainstBreaker: false },
  // The caller's fault, not the dependency's: a breaker that counted denies would open on a forger's flood.
  unauthorized: { finalEverywhere: true, reason: 'unauthorized', retried: false, countsAgainstBreaker: false },
  'unexpected-reply': {
    finalEverywhere: true,
    reason: 'unexpected-reply',
    retried: false,
    countsAgainstBreaker: false,
  },
  invalid: { finalEverywhere: true, reason: 'handler-failed', retried: false, countsAgainstBreaker: false },
  'non-retryable': { finalEverywhere: true, reason: 'handler-failed', retried: false, countsAgainstBreaker: false },
  'retries-exhausted': { finalEverywhere: true, reason: 'handler-failed', retried: false, countsAgainstBreaker: true },
  // The breaker decides when to try again; a durable broker keeps the message meanwhile. An inner
  // circuit that is open means a dependency is down, so an outer breaker counts it.
  'circuit-open': { finalEverywhere: false, reason: 'circuit-open', retried: false, countsAgainstBreaker: true },
  transient: { finalEverywhere: false, reason: 'handler-failed', retried: true, countsAgainstBreaker: true },
});

export function failureKind(error: unknown): FailureKind {
  if (error instanceof MessageRejectedError) return 'rejected';
  if (error instanceof MessageUnauthorizedError) return 'unauthorized';
  if (error instanceof UnexpectedReplyError) return 'unexpected-reply';
  if (error instanceof MessageValidationError) return 'invalid';
  if (error instanceof NonRetryableError) return 'non-retryable';
  if (error instanceof RetriesExhaustedError) return 'retries-exhausted';
  if (error instanceof CircuitOpenError) return 'circuit-open';
  return 'transient';
}

/** What to do with a handler's failure: report it as final, or leave the message for redelivery. */
export type FailureOutcome = { final: true; reason: UndeliverableReason } | { final: false };

/**
 * Final kinds are final everywhere; the others are final only on transports that do not
 * redeliver. On durable ones the message stays with the broker and comes back (and after
 * `maxDeliveries` is set aside as poison).
 */
export function classifyFailure(error: unknown, redelivers: boolean): FailureOutcome {
  const rules = FAILURE_RULES[failureKind(error)];
  if (!rules.finalEverywhere && redelivers) return { final: false };
  return { final: true, reason: rules.reason };
}

/** Failures another attempt cannot fix: never retried, whatever `retryOn` says. */
export function isNeverRetried(error: unknown): boolean {
  return !FAILURE_RULES[failureKind(error)].retried;
}

/** Whether a circuit breaker counts the failure against its dependency. */
export function countsAgainstBreaker(error: unknown): boolean {
  return FAILURE_RULES[failureKind(error)].countsAgainstBreaker;
}
