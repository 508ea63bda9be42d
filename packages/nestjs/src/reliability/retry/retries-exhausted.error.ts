import { SmartMessageError } from '../../errors/smart-message.error';

/** A handler failed on every attempt its retry policy allowed; `cause` is the last failure. */
export class RetriesExhaustedError extends SmartMessageError {
  readonly code = 'SM_RETRIES_EXHAUSTED' as const;

  constructor(
    readonly handlerId: string,
    readonly attempts: number,
    readonly lastError: Error,
  ) {
    super(`${handlerId} failed ${attempts} time(s): ${lastError.message}`, { cause: lastError });
  }
}
