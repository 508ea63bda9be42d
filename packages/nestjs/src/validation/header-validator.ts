import { PropertyViolation } from '../errors';
import { MessageHeader } from '../interfaces/message-header.interface';

/** Rules of the header a publisher builds; a failing one refuses the message before it is sent. */
export function headerViolations(header: Partial<MessageHeader>): PropertyViolation[] {
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
