import { ValidationError, ValidatorOptions, validateSync } from 'class-validator';
import { MessageValidationError, PropertyViolation } from '../errors';
import { MessageType } from '../interfaces/message-type.interface';
import { FastValidityCheck } from './fast-validity-check';
import { InstanceFactory } from './instance-factory';
import { UNKNOWN_PROPERTIES_POLICIES, UnknownPropertiesPolicy } from './unknown-properties-policy';

/**
 * class-validator rules are the message schema. Validation is synchronous: async custom
 * constraints are not run (class-validator's own `validateSync` rule).
 */
export class MessageValidator {
  private readonly options: ValidatorOptions;
  private readonly fastCheck: FastValidityCheck;
  private readonly instances = new InstanceFactory();

  constructor(
    options: ValidatorOptions = {},
    private readonly unknownProperties: UnknownPropertiesPolicy = 'strip',
  ) {
    if (!UNKNOWN_PROPERTIES_POLICIES.includes(unknownProperties)) {
      throw new TypeError(
        `unknownProperties must be one of ${UNKNOWN_PROPERTIES_POLICIES.join(', ')}, got ${String(unknownProperties)}`,
      );
    }
    this.options = { forbidUnknownValues: false, ...options };
    this.fastCheck = new FastValidityCheck(this.options);
  }

  /** Classes the fast check compiled rules for: only registered classes ever reach it. */
  get compiledClasses(): number {
    return this.fastCheck.compiledClasses;
  }

  /**
   * Violations of `type`'s rules by `message`. Rules are looked up by `type`, the registered
   * class, never through the instance: an instance whose constructor is not `type` is refused.
   */
  violations(message: object, type: NewableFunction): readonly PropertyViolation[] {
    // class-validator itself reads rules through `constructor`: only a true instance may reach it.
    if (message.constructor !== type) return notAnInstance(type);
    if (this.fastCheck.isCertainlyValid(message, type)) return NO_VIOLATIONS;
    return flatten(validateSync(message, this.options), '');
  }

  assertValid(message: object, type: NewableFunction, messageClass: string): void {
    const violations = this.violations(message, type);
    if (violations.length > 0) throw new MessageValidationError(messageClass, [...violations]);
  }

  /**
   * Builds an instance of `type` from decoded payload data and validates it. While validating,
   * undeclared payload properties are handled by the `unknownProperties` policy; `undeclared`
   * overrides it, validating or not (a newer version read tolerantly strips them).
   */
  instantiate<T extends object>(
    type: MessageType<T>,
    data: unknown,
    messageClass: string,
    validate: boolean,
    undeclared?: UnknownPropertiesPolicy,
  ): T {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new MessageValidationError(messageClass, [
        { property: '(payload)', source: 'payload', constraints: { isObject: 'payload must be a JSON object' } },
      ]);
    }
    const record = data as Record<string, unknown>;
    const policy = undeclared ?? (validate ? this.unknownProperties : 'keep');
    if (validate && policy === 'refuse') {
      const undeclared = this.instances.undeclaredProperties(type, record);
      if (undeclared.length > 0) {
        throw new MessageValidationError(
          messageClass,
          undeclared.map((property) => ({
            property,
            source: 'payload',
            constraints: { whitelistValidation: `property ${property} should not exist` },
          })),
        );
      }
    }
    const instance = this.instances.create(type, record, policy);
    if (validate) this.assertValid(instance, type, messageClass);
    return instance;
  }
}

function notAnInstance(type: NewableFunction): PropertyViolation[] {
  return [
    {
      property: '(payload)',
      source: 'payload',
      constraints: { isInstance: `the message must be an instance of ${type.name}` },
    },
  ];
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
