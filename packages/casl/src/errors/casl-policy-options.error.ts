import { SmartMessageError } from '@smart-message/nestjs';

/** `caslPolicy()` was given options it cannot work with; thrown when the policy is created. */
export class CaslPolicyOptionsError extends SmartMessageError {
  readonly code = 'SM_CASL_INVALID_OPTIONS' as const;

  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`caslPolicy() option "${option}" ${reason}`);
  }
}
