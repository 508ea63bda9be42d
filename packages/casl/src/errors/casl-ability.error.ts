import { SmartMessageError } from '@smart-message/nestjs';

/**
 * The ability factory returned something other than a CASL ability (a promise, `undefined`, a
 * plain object). Thrown inside the policy, so the dispatcher denies the message with this as the
 * cause: an ability that cannot be asked must not let anything through.
 */
export class CaslAbilityError extends SmartMessageError {
  readonly code = 'SM_CASL_NOT_AN_ABILITY' as const;

  constructor(readonly received: string) {
    super(
      `the ability factory returned ${received}, not a CASL ability; ` +
        'return one built synchronously, e.g. createMongoAbility(rules) or defineAbility(…)',
    );
  }
}
