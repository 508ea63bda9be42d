import { SmartMessageError } from './smart-message.error';

/**
 * A transport or store was constructed with an option it can never work with (a size of 0, an
 * empty key prefix). Thrown at construction, before anything connects.
 */
export class InvalidOptionError extends SmartMessageError {
  readonly code = 'SM_INVALID_OPTION' as const;

  /** `expected` completes "must be …", e.g. `a positive integer of bytes`. */
  constructor(
    readonly owner: string,
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${owner}: ${option} must be ${expected}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : String(value);
}
