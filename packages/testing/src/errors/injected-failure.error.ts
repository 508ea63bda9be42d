import { SmartMessageError } from '@smart-message/nestjs';

/** The default error of `harness.failNext()`: the handler did not run, the harness failed its call. */
export class InjectedFailureError extends SmartMessageError {
  readonly code = 'SM_HARNESS_INJECTED_FAILURE' as const;
}
