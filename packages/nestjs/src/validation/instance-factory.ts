import { plainToInstance } from 'class-transformer';
import { MessageType } from '../interfaces/message-type.interface';
import {
  exposedNamesOf,
  hasExposeOrExclude,
  isTransformed,
  typeDeclarationOf,
  validationRulesOf,
} from './decorator-metadata';
import { UnknownPropertiesPolicy } from './unknown-properties-policy';

/** Payload keys that would set an instance's prototype or shadow its class: never copied. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Classes class-transformer builds from a value itself; a nested shape is never one of them. */
const VALUE_TYPES: ReadonlySet<unknown> = new Set([Date, String, Number, Boolean, Object, Array, Map, Buffer]);

/** What a class declares, compiled once per class (registered message classes and the classes their @Type names). */
interface ClassShape {
  /** Payload keys the class declares (class-validator rules, with @Expose names); undefined when it has no rule at all. */
  readonly declared: readonly string[] | undefined;
  readonly declaredSet: ReadonlySet<string>;
  /** Declared properties that hold nested shapes: @ValidateNested with @Type(() => Class). */
  readonly nested: ReadonlyMap<string, NewableFunction>;
  /** @Expose/@Exclude anywhere, or @Type/@Transform on a declared property: class-transformer builds it. */
  readonly transformed: boolean;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Builds message instances from decoded payloads, always with `new type()` of the registered
 * class, so no payload key can set the prototype or the constructor an instance reports.
 * Classes that use class-transformer decorators (@Type, @Transform, @Expose, @Exclude) go
 * through plainToInstance (which skips `__proto__` and `constructor` itself); for the others
 * that would only copy the properties, so they are copied directly, some fifty times faster.
 */
export class InstanceFactory {
  /** Keyed by classes from code (registered message types and their @Type targets), never by payload values. */
  private readonly shapes = new Map<NewableFunction, ClassShape>();
  private readonly classLevelMetadata = new Map<NewableFunction, boolean>();
  /** Per class, whether a property name has @Type or @Transform metadata: asked on every message kept whole. */
  private readonly propertyMetadata = new Map<NewableFunction, Map<string, boolean>>();

  create<T extends object>(type: MessageType<T>, data: Record<string, unknown>, policy: UnknownPropertiesPolicy): T {
    if (policy !== 'keep') {
      const shape = this.shapeOf(type);
      if (shape.declared !== undefined) return this.createDeclared(type, shape, data);
    }
    if (this.needsTransformer(type, data)) return plainToInstance(type, data) as T;
    const instance = new type();
    // The usual payload has neither key: one native copy. Otherwise copy key by key, without them.
    if (!hasOwn(data, '__proto__') && !hasOwn(data, 'constructor')) return Object.assign(instance, data);
    const target = instance as Record<string, unknown>;
    for (const key of Object.keys(data)) if (!FORBIDDEN_KEYS.has(key)) target[key] = data[key];
    return instance;
  }

  /** Paths of payload properties the class (or a nested shape) does not declare; empty for a class without rules. */
  undeclaredProperties(type: NewableFunction, data: Record<string, unknown>): string[] {
    const found: string[] = [];
    this.collectUndeclared(this.shapeOf(type), data, '', found);
    return found;
  }

  private createDeclared<T extends object>(type: MessageType<T>, shape: ClassShape, data: Record<string, unknown>): T {
    if (shape.transformed || shape.nested.size > 0) return plainToInstance(type, this.pick(shape, data)) as T;
    const instance = new type() as Record<string, unknown>;
    for (const key of shape.declared as readonly string[]) if (hasOwn(data, key)) instance[key] = data[key];
    return instance as T;
  }

  /** A plain copy of `data` with only the declared keys, nested shapes picked the same way. */
  private pick(shape: ClassShape, data: Record<string, unknown>): Record<string, unknown> {
    if (shape.declared === undefined) return data;
    const picked: Record<string, unknown> = {};
    for (const key of shape.declared) {
      if (!hasOwn(data, key)) continue;
      const value = data[key];
      const nestedType = shape.nested.get(key);
      picked[key] = nestedType === undefined ? value : this.pickNested(this.shapeOf(nestedType), value);
    }
    return picked;
  }

  private pickNested(shape: ClassShape, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((element) => (isRecord(element) ? this.pick(shape, element) : element));
    return isRecord(value) ? this.pick(shape, value) : value;
  }

  private collectUndeclared(shape: ClassShape, data: Record<string, unknown>, prefix: string, found: string[]): void {
    if (shape.declared === undefined) return;
    for (const key of Object.keys(data)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!shape.declaredSet.has(key)) {
        found.push(path);
        continue;
      }
      const nestedType = shape.nested.get(key);
      if (nestedType === undefined) continue;
      const value = data[key];
      const nested = this.shapeOf(nestedType);
      if (Array.isArray(value)) {
        value.forEach((element, index) => {
          if (isRecord(element)) this.collectUndeclared(nested, element, `${path}.${index}`, found);
        });
      } else if (isRecord(value)) {
        this.collectUndeclared(nested, value, path, found);
      }
    }
  }

  private shapeOf(type: NewableFunction): ClassShape {
    let shape = this.shapes.get(type);
    if (!shape) {
      shape = compileShape(type);
      this.shapes.set(type, shape);
    }
    return shape;
  }

  private needsTransformer(type: NewableFunction, data: Record<string, unknown>): boolean {
    let classLevel = this.classLevelMetadata.get(type);
    if (classLevel === undefined) {
      classLevel = hasExposeOrExclude(type);
      this.classLevelMetadata.set(type, classLevel);
    }
    if (classLevel) return true;
    let known = this.propertyMetadata.get(type);
    if (!known) {
      known = new Map();
      this.propertyMetadata.set(type, known);
    }
    for (const key in data) {
      let transformed = known.get(key);
      if (transformed === undefined) {
        transformed = isTransformed(type, key);
        // Keys come from the sender: remember a bounded number, so odd payloads cannot grow the cache.
        if (known.size < MAX_REMEMBERED_KEYS) known.set(key, transformed);
      }
      if (transformed) return true;
    }
    return false;
  }
}

const MAX_REMEMBERED_KEYS = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compileShape(type: NewableFunction): ClassShape {
  const rules = validationRulesOf(type);
  if (rules.length === 0) return { declared: undefined, declaredSet: new Set(), nested: new Map(), transformed: false };
  const properties = [...new Set(rules.map((rule) => rule.propertyName))].filter((name) => !FORBIDDEN_KEYS.has(name));
  const nestedValidated = new Set(
    rules.filter((rule) => rule.type === 'nestedValidation').map((rule) => rule.propertyName),
  );
  // A property exposed under another name arrives under that name.
  const renamed = exposedNamesOf(type);
  const nested = new Map<string, NewableFunction>();
  for (const property of nestedValidated) {
    const target = nestedTypeOf(type, property);
    if (target) nested.set(renamed.get(property) ?? property, target);
  }
  const declared = properties.map((property) => renamed.get(property) ?? property);
  return {
    declared,
    declaredSet: new Set(declared),
    nested,
    // Any @Expose or @Exclude (groups, versions, toClassOnly) changes what class-transformer
    // copies: such a class is built by it, as under the 'keep' policy.
    transformed: hasExposeOrExclude(type) || properties.some((property) => isTransformed(type, property)),
  };
}

/** The class @Type names for a nested property, when it is a plain class (no discriminator, not a Map). */
function nestedTypeOf(type: NewableFunction, property: string): NewableFunction | undefined {
  const metadata = typeDeclarationOf(type, property);
  if (!metadata || metadata.options?.discriminator || metadata.reflectedType === Map) return undefined;
  let target: unknown;
  try {
    target = metadata.typeFunction();
  } catch {
    return undefined;
  }
  return typeof target === 'function' && !VALUE_TYPES.has(target) ? (target as NewableFunction) : undefined;
}
