import { SmartMessageError } from '../errors/smart-message.error';

/** A dead letter filter or page that cannot be applied: an unreadable time, a negative offset… */
export class InvalidDeadLetterQueryError extends SmartMessageError {
  readonly code = 'SM_INVALID_DEAD_LETTER_QUERY' as const;

  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`Invalid dead letter query: ${field} ${detail}`);
  }
}
