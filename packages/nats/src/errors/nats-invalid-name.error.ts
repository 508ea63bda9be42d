import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A message class, group or prefix cannot be part of a NATS subject: `*` and `>` are wildcards
 * (a subscription would match other classes), whitespace ends a subject and empty tokens
 * (`a..b`, a leading or trailing `.`) are invalid.
 */
export class NatsInvalidNameError extends SmartMessageError {
  readonly code = 'SM_NATS_INVALID_NAME' as const;

  constructor(
    readonly nameKind: 'message class' | 'group' | 'prefix',
    readonly refusedName: string,
    readonly problem: string,
  ) {
    super(`The ${nameKind} ${JSON.stringify(refusedName)} cannot be used on NATS: ${problem}; rename it`);
  }
}
