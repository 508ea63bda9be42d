import { ValidatorOptions } from 'class-validator';
import { constraintsOf, ValidationRule, validationRulesOf } from './decorator-metadata';

interface PropertyCheck {
  readonly validate: (value: unknown, args: object) => unknown;
  readonly constraints: unknown[];
  readonly validateIf?: (object: object, value: unknown) => boolean;
}

interface CompiledProperty {
  readonly name: string;
  /** `@IsOptional()`, `@ValidateIf()`: the property's checks run only when all of these hold. */
  readonly conditions: ((object: object, value: unknown) => boolean)[];
  readonly checks: PropertyCheck[];
}

const NO_CONSTRAINTS: unknown[] = [];

/** Validator options the fast check answers for; any other option sends every call to class-validator. */
const NEUTRAL_OPTIONS = new Set(['forbidUnknownValues', 'validationError', 'stopAtFirstError']);
const SUPPORTED_TYPES = new Set(['customValidation', 'conditionalValidation', 'isDefined']);

/**
 * Answers "is this instance valid?" for the common shape of message classes (flat properties,
 * built-in or custom synchronous constraints, @IsOptional/@ValidateIf) by calling the class's
 * class-validator constraints directly, with the metadata looked up once per class. It only
 * ever says "valid"; for anything else — an invalid instance, nested or `each` rules, groups —
 * it answers `undefined` and class-validator itself runs, so errors and messages stay its own.
 */
export class FastValidityCheck {
  private readonly compiled = new Map<NewableFunction, CompiledProperty[] | null>();
  private readonly enabled: boolean;

  constructor(options: ValidatorOptions) {
    this.enabled = Object.keys(options).every((key) => NEUTRAL_OPTIONS.has(key));
  }

  /** True when the instance is certainly valid; undefined when class-validator must decide. */
  /** `type` is the registered class the instance was built from: the cache holds classes from code only. */
  isCertainlyValid(instance: object, type: NewableFunction): true | undefined {
    if (!this.enabled) return undefined;
    const properties = this.propertiesOf(type);
    if (!properties) return undefined;
    const record = instance as Record<string, unknown>;
    // One arguments object per call, refilled for each check: constraints read it and do not keep it.
    const args = {
      targetName: type.name,
      property: '',
      object: instance,
      value: undefined as unknown,
      constraints: NO_CONSTRAINTS,
    };
    properties: for (const property of properties) {
      const value = record[property.name];
      for (const condition of property.conditions) if (!condition(instance, value)) continue properties;
      args.property = property.name;
      args.value = value;
      for (const check of property.checks) {
        if (check.validateIf && !check.validateIf(instance, value)) continue;
        args.constraints = check.constraints;
        if (check.validate(value, args) !== true) return undefined;
      }
    }
    return true;
  }

  /** How many classes have compiled checks: bounded by the classes in code. */
  get compiledClasses(): number {
    return this.compiled.size;
  }

  private propertiesOf(type: NewableFunction): CompiledProperty[] | null {
    let properties = this.compiled.get(type);
    if (properties === undefined) {
      properties = compile(type);
      this.compiled.set(type, properties);
    }
    return properties;
  }
}

function compile(type: NewableFunction): CompiledProperty[] | null {
  const metadatas = validationRulesOf(type);
  const byProperty = new Map<string, CompiledProperty>();
  for (const metadata of metadatas) {
    if (!isSupported(metadata)) return null;
    const property = byProperty.get(metadata.propertyName) ?? {
      name: metadata.propertyName,
      conditions: [],
      checks: [],
    };
    byProperty.set(metadata.propertyName, property);
    if (metadata.type === 'conditionalValidation') {
      property.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
      continue;
    }
    for (const constraint of constraintsOf(metadata)) {
      if (constraint.async) return null;
      const instance = constraint.instance as { validate: (value: unknown, args: object) => unknown };
      property.checks.push({
        validate: (value, args) => instance.validate(value, args),
        constraints: metadata.constraints ?? [],
        ...(metadata.validateIf ? { validateIf: metadata.validateIf } : {}),
      });
    }
  }
  return [...byProperty.values()];
}

function isSupported(metadata: ValidationRule): boolean {
  return (
    SUPPORTED_TYPES.has(metadata.type) && !metadata.each && (metadata.groups?.length ?? 0) === 0 && !metadata.always
  );
}
