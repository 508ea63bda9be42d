import { PropertyViolation } from '../errors';
import { HEADER_STRING_RULES, HeaderStringRule, headerStringProblem, isHeaderVersion } from '../codec/header-limits';
import { MessageHeader } from '../interfaces/message-header.interface';

const NO_VIOLATIONS: readonly PropertyViolation[] = Object.freeze([]);

/** A string field a publisher sets, held to the rule receivers read frames by. */
interface PublishedField {
  readonly field: 'from' | 'to' | 'replyTo' | 'correlationId' | 'causationId' | 'messageClass';
  readonly rule: HeaderStringRule;
  /** Optional fields may be left out; given, they follow the rule like the others. */
  readonly optional: boolean;
  /** What a missing or empty value is told (rule `isNotEmpty`); without it, the limit's own words. */
  readonly whenEmpty?: string;
}

const optionalField = (field: 'to' | 'replyTo' | 'correlationId' | 'causationId'): PublishedField => ({
  field,
  rule: HEADER_STRING_RULES[field],
  optional: true,
  whenEmpty: `${field} must be a non-empty string when given`,
});

/** In the order violations are listed. */
const PUBLISHED_FIELDS: readonly PublishedField[] = [
  {
    field: 'from',
    rule: HEADER_STRING_RULES.from,
    optional: false,
    whenEmpty: 'from is required: set it on the message class, in the publish options, or as the module entity',
  },
  optionalField('to'),
  optionalField('replyTo'),
  optionalField('correlationId'),
  optionalField('causationId'),
  { field: 'messageClass', rule: HEADER_STRING_RULES.messageClass, optional: false },
];

/**
 * Rules of the header a publisher builds; a failing one refuses the message before it is sent.
 * The limits are those receivers hold frames to (HEADER_STRING_RULES), so what is sent can be read.
 */
export function headerViolations(header: Partial<MessageHeader>): readonly PropertyViolation[] {
  // Built only once a rule fails: a valid header, what every publish has, costs no array.
  let violations: PropertyViolation[] | undefined;
  if (!isHeaderVersion(header.version)) {
    violations = [violation(header, 'version', 'isPositiveInteger', 'version must be a positive integer')];
  }
  for (const { field, rule, optional, whenEmpty } of PUBLISHED_FIELDS) {
    const value = header[field];
    if (optional && value === undefined) continue;
    const problem = headerStringProblem(value, rule);
    if (problem === undefined) continue;
    const empty = typeof value !== 'string' || value.length === 0;
    (violations ??= []).push(
      whenEmpty !== undefined && empty
        ? violation(header, field, 'isNotEmpty', whenEmpty)
        : violation(header, field, 'headerLimit', `${field} ${problem}`),
    );
  }
  return violations ?? NO_VIOLATIONS;
}

function violation(
  header: Partial<MessageHeader>,
  property: keyof MessageHeader,
  rule: string,
  text: string,
): PropertyViolation {
  return { property, source: 'header', constraints: { [rule]: text }, value: header[property] };
}
