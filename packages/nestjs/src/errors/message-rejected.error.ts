import { SmartMessageError } from './smart-message.error';

/** A guard refused the message for this handler; it is not retried. */
export class MessageRejectedError extends SmartMessageError {
  readonly code = 'SM_GUARD_REJECTED' as const;

  constructor(readonly handlerId: string) {
    super(`A guard of ${handlerId} rejected the message`);
  }
}
