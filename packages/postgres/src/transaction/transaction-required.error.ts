import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A transactional publish was given something that is not an open transaction: a pool, a
 * client outside `BEGIN`, an ORM's root object instead of its transaction object, or an object
 * no adapter recognises. Nothing was written: writing through it would commit at once,
 * whatever the caller's transaction does (the dual write the outbox exists to prevent).
 */
export class TransactionRequiredError extends SmartMessageError {
  readonly code = 'SM_TRANSACTION_REQUIRED' as const;

  constructor(
    /** What was given, e.g. `a pg Pool`, `a pg client with no transaction open`. */
    readonly given: string,
    fix: string,
    options?: { cause: unknown },
  ) {
    super(`Cannot publish inside a transaction: got ${given}, and nothing was written. To fix: ${fix}`, options);
  }
}
