/*
 * Our one door to class-validator-jsonschema: it turns class-validator's rules into JSON Schema,
 * and this file adapts the result to the document. It ties each `$ref` to the class it names
 * (the library knows only class names, and two nested classes may share one), describes a nested
 * property whose `@Type()` names no class of ours as a plain object (the library would point at
 * `#/…/Array` or `#/…/Object`), adds `@Describe()` texts, and says whether unknown properties are
 * refused.
 */
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { CLASS_KEY, describedProperties } from '../described-properties';
import { MessageType } from '../../interfaces/message-type.interface';
import {
  classTransformerStorage,
  exposedNamesOf,
  typeDeclarationOf,
  validationRulesOf,
} from '../../validation/decorator-metadata';
import type { UnknownPropertiesPolicy } from '../../validation/unknown-properties-policy';
import { componentRef, safeId } from './component-names';
import { JsonSchema } from './json-schema.interface';

/** Marks the library's own `$ref`s, so each can be told from any other string in a schema. */
const CLASS_REF = 'smart-message-class:';

type ConverterOptions = NonNullable<Parameters<typeof targetConstructorToSchema>[1]>;

/** The payload schemas of one document, under `#/components/schemas/`. */
export class PayloadSchemas {
  private readonly schemas: Record<string, JsonSchema> = {};
  /** Component name of each nested class already described. */
  private readonly nestedNames = new Map<MessageType, string>();

  constructor(private readonly unknownProperties: UnknownPropertiesPolicy = 'strip') {}

  /** Describes a message class under `componentName`; returns the reference to it. */
  addMessage(componentName: string, type: MessageType): JsonSchema {
    this.schemas[componentName] = this.describe(type);
    return { $ref: componentRef('schemas', componentName) };
  }

  /** Adds a schema written by hand, e.g. the header's. */
  add(componentName: string, schema: JsonSchema): JsonSchema {
    this.schemas[componentName] = schema;
    return { $ref: componentRef('schemas', componentName) };
  }

  all(): Record<string, JsonSchema> {
    return this.schemas;
  }

  private describe(type: MessageType): JsonSchema {
    const schema = toJsonSchema(
      targetConstructorToSchema(type, {
        refPointerPrefix: CLASS_REF,
        classTransformerMetadataStorage:
          classTransformerStorage() as ConverterOptions['classTransformerMetadataStorage'],
      }),
    );
    const nested = nestedClassesOf(type);
    const properties = Object.entries(schema.properties ?? {});
    if (schema.properties !== undefined) {
      schema.properties = Object.fromEntries(
        properties.map(([name, property]) => [name, this.resolveRefs(property, nested.get(name))]),
      );
    }
    // A class without any rule has no schema: receipt keeps whatever it holds.
    schema.type = 'object';
    const descriptions = describedProperties(type);
    const classText = descriptions.get(CLASS_KEY);
    if (classText !== undefined) schema.description = classText;
    // The library names a property `@Expose({ name })` renames as receipt reads it: under that name.
    const propertyOf = new Map([...exposedNamesOf(type)].map(([property, wireName]) => [wireName, property]));
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const text = descriptions.get(propertyOf.get(name) ?? name);
      if (text !== undefined) property.description = text;
    }
    if (this.unknownProperties === 'refuse' && schema.properties !== undefined) schema.additionalProperties = false;
    return schema;
  }

  /**
   * Replaces the library's class-name references inside one property's schema with a reference
   * to the component of `target`, the class the property's `@Type()` names: by the property, not
   * by the name, since two nested classes may share a name.
   */
  private resolveRefs(schema: JsonSchema, target: MessageType | undefined): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref === 'string' && ref.startsWith(CLASS_REF)) {
      return target !== undefined && target.name === ref.slice(CLASS_REF.length)
        ? { $ref: componentRef('schemas', this.nestedName(target)) }
        : { type: 'object' };
    }
    const resolved: JsonSchema = {};
    for (const [keyword, value] of Object.entries(schema)) {
      resolved[keyword] = LITERAL_KEYWORDS.has(keyword) ? value : this.resolveValue(value, target);
    }
    return resolved;
  }

  private resolveValue(value: unknown, target: MessageType | undefined): unknown {
    if (Array.isArray(value)) return value.map((item) => (isSchema(item) ? this.resolveRefs(item, target) : item));
    return isSchema(value) ? this.resolveRefs(value, target) : value;
  }

  /** The component of a nested class, described once; a second class of the same name gets a suffix. */
  private nestedName(type: MessageType): string {
    const known = this.nestedNames.get(type);
    if (known !== undefined) return known;
    // A class name may hold `$`, which a component key may not.
    const base = safeId(type.name || 'Anonymous');
    let name = base;
    for (let n = 2; name in this.schemas; n++) name = `${base}_${n}`;
    this.nestedNames.set(type, name);
    // Reserved before describing: a class that nests itself refers to its own component.
    this.schemas[name] = {};
    this.schemas[name] = this.describe(type);
    return name;
  }
}

/** Keywords whose values are data, not schemas. */
const LITERAL_KEYWORDS = new Set(['enum', 'const', 'required', 'examples', 'default']);

/** The class each `@ValidateNested()` property names with `@Type()`, by the property's name in the schema. */
function nestedClassesOf(type: MessageType): Map<string, MessageType> {
  const renamed = exposedNamesOf(type);
  const nested = new Map<string, MessageType>();
  for (const rule of validationRulesOf(type)) {
    if (rule.type !== 'nestedValidation') continue;
    const declaration = typeDeclarationOf(type, rule.propertyName);
    let target: unknown;
    try {
      target = declaration?.typeFunction();
    } catch {
      // A @Type() that throws (a class not yet defined) describes nothing.
      continue;
    }
    if (typeof target === 'function' && target !== Date && target !== Object && target !== Array) {
      nested.set(renamed.get(rule.propertyName) ?? rule.propertyName, target as MessageType);
    }
  }
  return nested;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The library types its result as OpenAPI's SchemaObject; it is plain JSON, copied as such. */
function toJsonSchema(value: object): JsonSchema {
  return JSON.parse(JSON.stringify(value)) as JsonSchema;
}
