import { UndeliverableReason } from '../interfaces/undeliverable.interface';

/** What became of one envelope: handlers that completed it, that it did not reach or failed in, or that want it again. */
export interface DispatchResult {
  succeeded: string[];
  /** Final failures, reported as undeliverable. */
  failed: { handlerId: string; reason: UndeliverableReason; error: Error }[];
  /** Failures to retry by redelivery (durable transports only): the message must stay with the broker. */
  deferred: { handlerId: string; error: Error }[];
  /** Settles once every report of this envelope was recorded (e.g. in the dead letter queue); rejects if one was not. */
  recorded: Promise<void>[];
}

export function emptyDispatchResult(): DispatchResult {
  return { succeeded: [], failed: [], deferred: [], recorded: [] };
}

/** A deferred failure, or a report that could not be recorded, keeps the message with a durable broker. */
export function settle(result: DispatchResult): void | Promise<void> {
  // Most envelopes have nothing to record: no extra promise for them.
  if (result.recorded.length === 0) return throwDeferred(result);
  return Promise.all(result.recorded).then(() => throwDeferred(result));
}

function throwDeferred(result: DispatchResult): void {
  const deferred = result.deferred[0];
  if (deferred) throw deferred.error;
}
