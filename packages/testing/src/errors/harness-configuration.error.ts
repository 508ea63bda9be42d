import { SmartMessageError } from '@smart-message/nestjs';

/** The harness was asked for something its configuration does not provide; the message names the fix. */
export class HarnessConfigurationError extends SmartMessageError {
  readonly code = 'SM_HARNESS_CONFIGURATION' as const;
}
