import { SmartMessageError } from './smart-message.error';

/**
 * A shutdown ran out of time before this handler call started, so it never will. On a durable
 * transport the broker keeps the message for another consumer; elsewhere it is a dead letter
 * to replay once an instance runs again.
 */
export class ShutdownAbandonedError extends SmartMessageError {
  readonly code = 'SM_SHUTDOWN_ABANDONED' as const;

  constructor(
    readonly handlerId: string,
    readonly messageClass: string,
    readonly uuid: string,
  ) {
    super(
      `shut down while queued: handler ${handlerId} never started on ${messageClass} ${uuid}; ` +
        'raise shutdownTimeoutMs if handlers need longer to drain',
    );
  }
}
