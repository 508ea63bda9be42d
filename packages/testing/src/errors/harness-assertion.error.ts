import { SmartMessageError } from '@smart-message/nestjs';

/** A harness query or wait found other than what the test expected; the message lists what was captured. */
export class HarnessAssertionError extends SmartMessageError {
  readonly code = 'SM_HARNESS_ASSERTION' as const;
}
