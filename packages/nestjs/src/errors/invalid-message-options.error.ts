import { SmartMessageError } from './smart-message.error';

/** `@Message()` was given options that can never produce a valid header (e.g. version 0). */
export class InvalidMessageOptionsError extends SmartMessageError {
  readonly code = 'SM_INVALID_MESSAGE_OPTIONS' as const;
}
