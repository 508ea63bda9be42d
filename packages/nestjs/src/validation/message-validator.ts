import { ValidationError, ValidatorOptions, validateSync } from 'class-validator';
import { MessageValidationError, PropertyViolation } from '../errors';
import { MessageType } from '../interfaces/message-type.interface';
import { FastValidityCheck } from './fast-validity-check';
import { InstanceFactory } from './instance-factory';

/**
 * class-validator rules are the message schema. Validation is synchronous: async custom
 * constraints are not run (class-validator's own `validateSync` rule).
 */
export class MessageValidator {
  private readonly options: ValidatorOptions;
  private readonly fastCheck: FastValidityCheck;
  private readonly instances = new InstanceFactory();

  constructor(options: ValidatorOptions = {}) {
    this.options = { forbidUnknownValues: false, ...options };
    this.fastCheck = new FastValidityCheck(this.options);
  }

  violations(message: object): readonly PropertyViolation[] {
    if (this.fastCheck.isCertainlyValid(message)) return NO_VIOLATIONS;
    return flatten(validateSync(message, this.options), '');
  }

  assertValid(message: object, messageType: string): void {
    const violations = this.violations(message);
    if (violations.length > 0) throw new MessageValidationError(messageType, [...violations]);
  }

  /** Builds an instance of `type` from decoded payload data and validates it. */
  instantiate<T extends object>(type: MessageType<T>, data: unknown, messageType: string, validate: boolean): T {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new MessageValidationError(messageType, [
        { property: '(payload)', source: 'payload', constraints: { isObject: 'payload must be a JSON object' } },
      ]);
    }
    const instance = this.instances.create(type, data as Record<string, unknown>);
    if (validate) this.assertValid(instance, messageType);
    return instance;
  }
}

const NO_VIOLATIONS: readonly PropertyViolation[] = Object.freeze([]);

function flatten(errors: ValidationError[], prefix: string): PropertyViolation[] {
  return errors.flatMap((error) => {
    const property = prefix ? `${prefix}.${error.property}` : error.property;
    const own: PropertyViolation[] = error.constraints
      ? [{ property, source: 'payload', constraints: { ...error.constraints }, value: error.value }]
      : [];
    return [...own, ...flatten(error.children ?? [], property)];
  });
}
