import { SmartMessageError } from '@smart-message/nestjs';
import type { HarnessSession } from '../harness/harness-session';

/**
 * `harness.run()` saw handler errors or dead letters (pass `allowErrors: true` to expect them).
 * `errors` holds every one; `session` the run's events, to inspect anyway.
 */
export class HarnessRunFailedError extends SmartMessageError {
  readonly code = 'SM_HARNESS_RUN_FAILED' as const;

  constructor(
    message: string,
    readonly errors: readonly Error[],
    readonly session: HarnessSession,
  ) {
    super(message, { cause: errors[0] });
  }
}
