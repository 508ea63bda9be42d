import { SmartMessageError } from '../errors/smart-message.error';

/** A dead letter store bound (`maxEntries`, `maxBytes`) that is not a whole number ≥ 1. */
export class InvalidDeadLetterBoundError extends SmartMessageError {
  readonly code = 'SM_INVALID_DEAD_LETTER_BOUND' as const;

  constructor(
    readonly store: string,
    readonly option: string,
    value: unknown,
  ) {
    super(
      `${store}: ${option} must be a whole number ≥ 1, got ${String(value)}; ` +
        `leave it out for the default or give the most the store may hold`,
    );
  }
}
