import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A handler's `MessagePolicy` refused the message (or threw, the cause kept): final, never
 * retried, not a breaker failure, dead-lettered with reason `unauthorized`.
 */
export class MessageUnauthorizedError extends SmartMessageError {
  readonly code = 'SM_UNAUTHORIZED' as const;

  constructor(
    readonly handlerId: string,
    readonly messageClass: string,
    /** The sender the header claimed (unverified until messages are signed). */
    readonly from: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${handlerId} is not authorized to handle ${messageClass} from ${from === undefined ? '(no sender)' : `"${from}"`}: ${reason}`,
      options,
    );
  }
}
