import { PropertyViolation } from '../errors';
import { MessageHeader } from '../interfaces/message-header.interface';

const NO_VIOLATIONS: readonly PropertyViolation[] = Object.freeze([]);

/** Rules of the header a publisher builds; a failing one refuses the message before it is sent. */
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
  }
  for (const field of ['to', 'replyTo', 'correlationId', 'causationId'] as const) {
    const value = header[field];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      add(field, 'isNotEmpty', `${field} must be a non-empty string when given`);
    }
  }
  return violations;
}

/** The usual header, checked without building anything: what `headerViolations` spends on every publish. */
function isCertainlyValid(header: Partial<MessageHeader>): boolean {
  return (
    Number.isInteger(header.version) &&
    (header.version as number) >= 1 &&
    typeof header.from === 'string' &&
    header.from.length > 0 &&
    optionalNonEmpty(header.to) &&
    optionalNonEmpty(header.replyTo) &&
    optionalNonEmpty(header.correlationId) &&
    optionalNonEmpty(header.causationId)
  );
}

function optionalNonEmpty(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length > 0);
}
