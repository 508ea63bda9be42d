import { AnyAbility } from '@casl/ability';
import { CaslSender } from './casl-policy-options.interface';

type CaslRule = NonNullable<ReturnType<AnyAbility['relevantRuleFor']>>;

/** Bounds the rule and field texts a reason quotes: dead letters and logs keep the reason. */
const MAX_QUOTED_CHARS = 200;
const MAX_FIELD_NAME_CHARS = 64;

/** Who the reason speaks of: the entity, or an anonymous sender and the claim it stands for. */
export function describeSender(sender: CaslSender, claimed: string): string {
  return sender.entity === undefined
    ? `an anonymous sender (the claimed "${claimed}" is not verified)`
    : `"${sender.entity}"`;
}

/** Why the message as a whole is denied: the `cannot` rule that matched, or that no rule allowed it. */
export function messageDenial(
  ability: AnyAbility,
  rule: CaslRule | null,
  who: string,
  action: string,
  type: string,
): string {
  if (rule !== null) return `a CASL rule forbids ${who} to ${action} ${type}: ${ruleReason(rule)}`;
  const considered = ability.rulesFor(action, type).length;
  return considered === 0
    ? `no CASL rule lets ${who} ${action} ${type}`
    : `no CASL rule lets ${who} ${action} ${type}: none of the ${considered} rule(s) for it matches this payload`;
}

/** Why one field of the payload is denied. The name comes from the wire: quoted and bounded. */
export function fieldDenial(rule: CaslRule | null, who: string, action: string, type: string, field: string): string {
  const because = rule === null ? 'no rule permits the field' : ruleReason(rule);
  return `a CASL rule forbids ${who} to ${action} ${type} with the field ${quote(field, MAX_FIELD_NAME_CHARS)}: ${because}`;
}

/** The rule's own `because(…)` text, else the rule written out the way it was defined. */
function ruleReason(rule: CaslRule): string {
  if (typeof rule.reason === 'string' && rule.reason !== '') return rule.reason;
  const parts = [names(rule.action), names(rule.subject ?? 'all')];
  if (rule.fields !== undefined) parts.push(names(rule.fields));
  if (rule.conditions !== undefined) parts.push(json(rule.conditions));
  return truncate(`${rule.inverted ? 'cannot' : 'can'}(${parts.join(', ')})`, MAX_QUOTED_CHARS);
}

function names(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(names).join(', ')}]`;
  if (typeof value === 'function') return value.name;
  return json(value);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(conditions that cannot be shown)';
  }
}

function quote(text: string, limit: number): string {
  return JSON.stringify(truncate(text, limit));
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
