import { AnyAbility } from '@casl/ability';
import { MessagePolicy, MessagePolicyRequest } from '@smart-message/nestjs';
import { CaslAbilityFactory, CaslPolicyOptions, CaslSender } from './casl-policy-options.interface';
import { describeSender, fieldDenial, messageDenial } from './deny-reasons';
import { CaslAbilityError } from './errors/casl-ability.error';
import { CaslPolicyOptionsError } from './errors/casl-policy-options.error';
import { MAX_PAYLOAD_DEPTH, payloadSubject } from './payload-subject';

/**
 * A `MessagePolicy` that asks a CASL ability. For each message it takes the ability of the
 * sender (`abilityFor`), and allows the message when the ability can `action` (default
 * `'handle'`) the payload as a subject of the message's type, its routing name (`@Message({ name })`):
 *
 * ```ts
 * can('handle', 'PaymentRequested', { amount: { $lte: 1000 } });
 * ```
 *
 * Conditions are matched against the payload's own fields (see `payloadSubject`); with
 * `checkFields` (the default) field rules must permit every top-level field the payload
 * carries. A deny's reason names the `cannot` rule (its `because(…)` text, or the rule itself)
 * or says that no rule allowed it. Rules name subjects by the type's string name: class
 * subjects (`can('handle', PaymentRequested)`) never match.
 */
export function caslPolicy<T extends object = object>(
  abilityFor: CaslAbilityFactory<T>,
  options: CaslPolicyOptions = {},
): MessagePolicy<T> {
  if (typeof abilityFor !== 'function') {
    throw new CaslPolicyOptionsError('abilityFor', 'must be a function that returns the sender’s ability');
  }
  const action = options.action ?? 'handle';
  if (typeof action !== 'string' || action === '') {
    throw new CaslPolicyOptionsError('action', 'must be a non-empty string');
  }
  const identity = options.identity ?? 'claimed';
  if (identity !== 'claimed' && identity !== 'verified') {
    throw new CaslPolicyOptionsError('identity', `must be 'claimed' or 'verified', not ${String(identity)}`);
  }
  const checkFields = options.checkFields ?? true;

  return (request) => {
    const sender = senderOf(request, identity === 'verified');
    const ability = asAbility(abilityFor(sender, request));
    const type = request.messageClass;
    const who = describeSender(sender, request.from);
    const object = payloadSubject(type, request.payload);
    if (object === undefined) {
      return { allow: false, reason: `the payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels` };
    }

    const rule = ability.relevantRuleFor(action, object);
    if (rule === null || rule.inverted) {
      return { allow: false, reason: messageDenial(ability, rule, who, action, type) };
    }
    if (checkFields && hasFieldRules(ability, action, type)) {
      for (const field of Object.keys(object)) {
        const fieldRule = ability.relevantRuleFor(action, object, field);
        if (fieldRule === null || fieldRule.inverted) {
          return { allow: false, reason: fieldDenial(fieldRule, who, action, type, field) };
        }
      }
    }
    return true;
  };
}

function senderOf(request: MessagePolicyRequest, verifiedOnly: boolean): CaslSender {
  if (verifiedOnly && !request.verified) return { entity: undefined, verified: false };
  return { entity: request.from, verified: request.verified };
}

/**
 * Without a field rule for this action and type, every field is judged exactly as the whole
 * message was, so the per-field checks are skipped.
 */
function hasFieldRules(ability: AnyAbility, action: string, type: string): boolean {
  return ability.possibleRulesFor(action, type).some((rule) => rule.fields !== undefined);
}

/**
 * Recognizes an ability by what it can answer, not by `instanceof`: an ES module application's
 * abilities come from @casl/ability's ES module build, while this CommonJS package loads the
 * CommonJS one, so their classes differ.
 */
function asAbility(value: unknown): AnyAbility {
  const candidate = value as Partial<Record<'relevantRuleFor' | 'rulesFor' | 'possibleRulesFor' | 'then', unknown>>;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof candidate.then !== 'function' &&
    typeof candidate.relevantRuleFor === 'function' &&
    typeof candidate.rulesFor === 'function' &&
    typeof candidate.possibleRulesFor === 'function'
  ) {
    return value as AnyAbility;
  }
  const received =
    value === null || typeof value !== 'object'
      ? String(value)
      : typeof candidate.then === 'function'
        ? 'a promise'
        : 'an object without relevantRuleFor()';
  throw new CaslAbilityError(received);
}
