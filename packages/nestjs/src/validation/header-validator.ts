import { PropertyViolation } from '../errors';
import { HEADER_LIMITS, headerStringProblem, isHeaderString } from '../codec/header-limits';
import { MessageHeader } from '../interfaces/message-header.interface';

const NO_VIOLATIONS: readonly PropertyViolation[] = Object.freeze([]);

/**
 * Rules of the header a publisher builds; a failing one refuses the message before it is sent.
 * The limits are those receivers hold frames to (HEADER_LIMITS), so what is sent can be read.
 */
export function headerViolations(header: Partial<MessageHeader>): readonly PropertyViolation[] {
  if (isCertainlyValid(header)) return NO_VIOLATIONS;
  const violations: PropertyViolation[] = [];
  const add = (property: keyof MessageHeader, rule: string, text: string): void => {
    violations.push({ property, source: 'header', constraints: { [rule]: text }, value: header[property] });
  };
  if (!Number.isInteger(header.version) || (header.version as number) < 1) {
    add('version', 'isPositiveInteger', 'version must be a positive integer');
  }
  if (typeof header.from !== 'string' || header.from.length === 0) {
    add(
      'from',
      'isNotEmpty',
      'from is required: set it on the message class, in the publish options, or as the module entity',
    );
  } else {
    const problem = headerStringProblem(header.from, HEADER_LIMITS.address, true);
    if (problem) add('from', 'headerLimit', `from ${problem}`);
  }
  for (const [field, max, wellFormed] of OPTIONAL_FIELDS) {
    const value = header[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0) {
      add(field, 'isNotEmpty', `${field} must be a non-empty string when given`);
    } else {
      const problem = headerStringProblem(value, max, wellFormed);
      if (problem) add(field, 'headerLimit', `${field} ${problem}`);
    }
  }
  const className = headerStringProblem(header.messageClass, HEADER_LIMITS.messageClass);
  if (className) add('messageClass', 'headerLimit', `messageClass ${className}`);
  return violations;
}

/** Optional string fields and their limits; receivers refuse frames past them (see HEADER_LIMITS). */
const OPTIONAL_FIELDS = [
  ['to', HEADER_LIMITS.address, true],
  ['replyTo', HEADER_LIMITS.address, true],
  ['correlationId', HEADER_LIMITS.id, false],
  ['causationId', HEADER_LIMITS.id, false],
] as const;

/** The usual header, checked without building anything: what `headerViolations` spends on every publish. */
function isCertainlyValid(header: Partial<MessageHeader>): boolean {
  return (
    Number.isInteger(header.version) &&
    (header.version as number) >= 1 &&
    isHeaderString(header.from, HEADER_LIMITS.address, true) &&
    isHeaderString(header.messageClass, HEADER_LIMITS.messageClass) &&
    optional(header.to, HEADER_LIMITS.address, true) &&
    optional(header.replyTo, HEADER_LIMITS.address, true) &&
    optional(header.correlationId, HEADER_LIMITS.id) &&
    optional(header.causationId, HEADER_LIMITS.id)
  );
}

function optional(value: unknown, max: number, wellFormed = false): boolean {
  return value === undefined || isHeaderString(value, max, wellFormed);
}
