import { SmartMessageError } from './smart-message.error';

/** A `@Subscribe` handler could not be registered; bootstrap stops rather than leave it silent. */
export class HandlerRegistrationError extends SmartMessageError {
  readonly code = 'SM_HANDLER_REGISTRATION' as const;

  constructor(
    readonly handlerId: string,
    reason: string,
  ) {
    super(`Cannot register message handler ${handlerId}: ${reason}`);
  }
}
