import {
  CircuitOpenError,
  MessageRejectedError,
  NonRetryableError,
  RetriesExhaustedError,
  UnexpectedReplyError,
} from '../errors';
import { UndeliverableReason } from '../interfaces/undeliverable.interface';

/** What to do with a handler's failure: report it as final, or leave the message for redelivery. */
export type FailureOutcome = { final: true; reason: UndeliverableReason } | { final: false };

/**
 * Refusals and exhausted or non-retryable failures are final everywhere. Other failures are
 * final only on transports that do not redeliver; on durable ones the message stays with the
 * broker and comes back (and after `maxDeliveries` is set aside as poison).
 */
export function classifyFailure(error: unknown, redelivers: boolean): FailureOutcome {
  if (error instanceof MessageRejectedError) return { final: true, reason: 'rejected' };
  if (error instanceof UnexpectedReplyError) return { final: true, reason: 'unexpected-reply' };
  if (error instanceof NonRetryableError || error instanceof RetriesExhaustedError) {
    return { final: true, reason: 'handler-failed' };
  }
  if (redelivers) return { final: false };
  return { final: true, reason: error instanceof CircuitOpenError ? 'circuit-open' : 'handler-failed' };
}
