import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * Thrown by a handler (or wrapping the real cause) when trying again cannot help: the message
 * goes to the dead letter queue at once, on every transport.
 */
export class NonRetryableError extends SmartMessageError {
  readonly code = 'SM_NON_RETRYABLE' as const;
}
