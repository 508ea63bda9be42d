import { RetriesExhaustedError, SmartMessageError } from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { MessageObserver } from '../interfaces/message-observer.interface';
import { FrameRejection } from '../transports/transport.interface';
import {
  UndeliverableListener,
  UndeliverableMessage,
  UndeliverableReason,
} from '../interfaces/undeliverable.interface';
import { DispatchResult } from './dispatch-result';

/**
 * Tells the log, the observers and the `onUndeliverable` listener (the dead letter queue's
 * intake) about every message that reached no handler or that a handler finally failed on.
 */
export class UndeliverableReporter {
  constructor(
    private readonly logger: MessageLogger,
    private readonly observers: readonly MessageObserver[],
    private readonly onUndeliverable: UndeliverableListener | undefined,
  ) {}

  /** A final failure of one envelope: kept in its result, and reported. */
  reject(
    result: DispatchResult,
    reason: UndeliverableReason,
    error: Error,
    envelope: Envelope,
    transport: string,
    attempt: number,
    handlerId?: string,
  ): void {
    result.failed.push({ handlerId: handlerId ?? '(all)', reason, error });
    result.recorded.push(this.report(reason, error, transport, attempt, envelope, handlerId));
  }

  /** A frame a transport set aside (undecodable, poison, trimmed, overflow), like any undelivered message. */
  reportRejection(rejection: FrameRejection, transport: string): Promise<void> {
    return this.report(
      rejection.reason,
      rejection.error,
      transport,
      rejection.attempt,
      rejection.envelope,
      undefined,
      rejection.frame,
    );
  }

  /** A message that never reached its transport (e.g. its publish circuit was open). */
  reportUnsent(reason: UndeliverableReason, error: Error, transport: string, envelope: Envelope): Promise<void> {
    return this.report(reason, error, transport, 0, envelope);
  }

  /** Settles once the listener recorded the report; rejects if it could not. */
  private report(
    reason: UndeliverableReason,
    error: Error,
    transport: string,
    attempt: number,
    envelope?: Envelope,
    handlerId?: string,
    frame?: string | Uint8Array,
  ): Promise<void> {
    const header = envelope?.header;
    const fields = {
      reason,
      handler: handlerId,
      uuid: header?.uuid,
      messageClass: header?.messageClass,
      version: header?.version,
      from: header?.from,
      to: header?.to,
      correlationId: header?.correlationId,
      transport,
      attempt,
      error: error.message,
    };
    const subject = header ? `${header.messageClass} ${header.uuid}` : 'A frame';
    if (reason === 'handler-failed') {
      this.logger.error(`Handler ${handlerId} failed on ${subject}`, { ...fields, stack: error.stack });
    } else this.logger.warn(`${subject} not delivered: ${reason}`, fields);
    const event: UndeliverableMessage = {
      reason,
      ...(envelope === undefined ? {} : { envelope }),
      ...(frame === undefined ? {} : { frame }),
      ...(handlerId === undefined ? {} : { handlerId }),
      transport,
      attempt,
      error: describeError(error),
    };
    try {
      for (const observer of this.observers) observer.undeliverable?.(event);
      return Promise.resolve(this.onUndeliverable?.(event)).then(() => undefined);
    } catch (listenerError) {
      return Promise.reject(listenerError as Error);
    }
  }
}

/** The error of an undeliverable message as reports and dead letters keep it. */
export function describeError(failure: Error): UndeliverableMessage['error'] {
  // After retries, what matters is why the last attempt failed.
  const error = failure instanceof RetriesExhaustedError ? failure.lastError : failure;
  const code = error instanceof SmartMessageError ? error.code : (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
  };
}
