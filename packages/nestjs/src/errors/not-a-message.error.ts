import { SmartMessageError } from './smart-message.error';

/** Thrown when a value or class is used as a message but its class carries no `@Message()`. */
export class NotAMessageError extends SmartMessageError {
  readonly code = 'SM_NOT_A_MESSAGE' as const;

  /** `explanation` replaces the default text where the cause is known better (e.g. a plain object). */
  constructor(
    readonly typeName: string,
    explanation?: string,
  ) {
    super(explanation ?? `${typeName} is not a message type: decorate the class with @Message()`);
  }
}
