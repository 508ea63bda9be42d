import { JSON_SERIALIZER_NAME } from '../codec/json.serializer';
import { MessageType } from '../interfaces/message-type.interface';
import { constraintsOf, ValidationRule, validationRulesOf } from '../validation/decorator-metadata';
import { buildAsyncApi } from './asyncapi/asyncapi-builder';
import { AsyncApiDocument } from './asyncapi/asyncapi-document.interface';
import { AsyncApiOptions } from './asyncapi/asyncapi-options.interface';
import { AsyncApiSources } from './asyncapi/asyncapi-sources.interface';
import { CLASS_KEY, describedProperties } from './described-properties';
import { PublishDeclaration } from './publish-declaration.interface';
import { PublisherDeclarations } from './publisher-declarations';
import { MessageTypeMetadata } from './message-type-metadata.interface';
import { MessageTypeRegistry, messageTypeRegistry } from './message-type-registry';

export interface PropertyRule {
  /** class-validator's constraint name, e.g. `isString`, `min`, `isEmail`. */
  name: string;
  constraints: unknown[];
  /** The rule applies to each element of an array, set or map. */
  each: boolean;
}

export interface MessagePropertyDescription {
  name: string;
  /** `string`, `number`, `boolean`, `Date`, `array`, `object` or a class name, from TypeScript's metadata. */
  type: string;
  required: boolean;
  rules: PropertyRule[];
  description?: string;
}

export interface MessageTypeDescription {
  name: string;
  version: number;
  /** The versions handlers of the class read: `minVersion` up to `version` (older ones are upcast). */
  readsVersions: { from: number; to: number };
  /** What handlers do with a newer version: `reject` or `tolerant`. */
  onFutureVersion: 'reject' | 'tolerant';
  /** The older versions the class can also be published as (`downcast`), newest first. */
  publishesAs: number[];
  from?: string;
  to?: string;
  replyTo?: string;
  transport?: string;
  serializer: string;
  description: string;
  properties: MessagePropertyDescription[];
}

const OPTIONAL_MARKERS = new Set(['isOptional']);

/** What a catalog reads off its bus for the AsyncAPI document; see `MessageBus.catalog`. */
export type CatalogBusView = Omit<AsyncApiSources, 'types' | 'publishers' | 'serializerOf'>;

/** A catalog without a bus: no transports, handlers or content types to tell. */
const NO_BUS: CatalogBusView = {
  transports: [],
  handlers: [],
  transportOf: (type) => type.transport ?? 'default',
  contentTypeOf: () => undefined,
};

/**
 * Describes every registered message type from the decorators it already carries:
 * `@Message()` for the header, class-validator's rules and `@Describe()` for the properties;
 * `toAsyncApi()` adds the bus's transports, handlers and declared publishers.
 */
export class MessageCatalog {
  private readonly publishers: PublisherDeclarations;

  /**
   * `defaultSerializer`: the chain of classes whose `@Message()` names none (the module's
   * `serializer` option); `bus`: what the AsyncAPI document reads of the bus (`MessageBus.catalog` passes it).
   */
  constructor(
    private readonly registry: MessageTypeRegistry = messageTypeRegistry,
    private readonly defaultSerializer: string = JSON_SERIALIZER_NAME,
    private readonly bus: () => CatalogBusView = () => NO_BUS,
  ) {
    this.publishers = new PublisherDeclarations(registry);
  }

  /**
   * Records what a publisher (a provider class, or the service) sends, for `send` operations.
   * `@Publishes()` and the `publishes` option end up here; throws `PublishDeclarationError`.
   */
  declarePublisher(publisher: string, declarations: readonly PublishDeclaration[]): void {
    this.publishers.declare(publisher, declarations);
  }

  /**
   * The catalog as an AsyncAPI 3.0.0 document: a channel per message type and transport, a
   * message per type and version (`OrderPlaced.v2`) with its header and payload schema (from the
   * class-validator rules, under `#/components/schemas/`), a `receive` operation per handler and a
   * `send` operation per declared publisher, with `reply` for request–reply. See docs/asyncapi.md.
   */
  toAsyncApi(options: AsyncApiOptions = {}): AsyncApiDocument {
    return buildAsyncApi(
      {
        ...this.bus(),
        types: this.registry.all(),
        publishers: this.publishers.all(),
        serializerOf: (type) => type.serializer ?? this.defaultSerializer,
      },
      options,
    );
  }

  list(): MessageTypeDescription[] {
    return this.registry
      .all()
      .map((metadata) => this.describeMetadata(metadata))
      .sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  find(name: string, version?: number): MessageTypeDescription | undefined {
    const matches = this.list().filter((type) => type.name === name);
    return version === undefined ? matches[matches.length - 1] : matches.find((type) => type.version === version);
  }

  describe(type: MessageType): MessageTypeDescription {
    return this.describeMetadata(this.registry.get(type));
  }

  private describeMetadata(metadata: MessageTypeMetadata): MessageTypeDescription {
    const descriptions = describedProperties(metadata.target);
    const rulesByProperty = new Map<string, ValidationRule[]>();
    for (const rule of validationRulesOf(metadata.target)) {
      const list = rulesByProperty.get(rule.propertyName) ?? [];
      list.push(rule);
      rulesByProperty.set(rule.propertyName, list);
    }
    const names = [...new Set([...rulesByProperty.keys(), ...descriptions.keys()])];
    return {
      name: metadata.name,
      version: metadata.version,
      readsVersions: { from: metadata.versions.minVersion, to: metadata.version },
      onFutureVersion: metadata.versions.onFutureVersion,
      publishesAs: olderVersions(metadata),
      from: metadata.from,
      to: metadata.to,
      replyTo: metadata.replyTo,
      transport: metadata.transport,
      serializer: metadata.serializer ?? this.defaultSerializer,
      description: metadata.description ?? descriptions.get(CLASS_KEY) ?? `${metadata.name} is a SmartMessage`,
      properties: names
        .filter((name) => name !== CLASS_KEY)
        .map((name) =>
          describeProperty(metadata.target, name, rulesByProperty.get(name) ?? [], descriptions.get(name)),
        ),
    };
  }
}

function olderVersions({ version, downcasts }: MessageTypeMetadata): number[] {
  if (downcasts === undefined) return [];
  return Array.from({ length: version - downcasts.oldest }, (_, i) => version - 1 - i);
}

function describeProperty(
  target: MessageType,
  name: string,
  rules: ValidationRule[],
  description: string | undefined,
): MessagePropertyDescription {
  const designType = Reflect.getMetadata('design:type', target.prototype, name) as unknown;
  return {
    name,
    type: typeName(designType, rules),
    required: !rules.some((rule) => rule.name !== undefined && OPTIONAL_MARKERS.has(rule.name)),
    rules: rules
      .filter((rule) => !(rule.name !== undefined && OPTIONAL_MARKERS.has(rule.name)))
      .map((rule) => ({ name: ruleName(rule), constraints: rule.constraints ?? [], each: rule.each })),
    ...(description === undefined ? {} : { description }),
  };
}

function ruleName(rule: ValidationRule): string {
  if (rule.name) return rule.name;
  const constraint = constraintsOf(rule)[0];
  return constraint?.name ?? rule.type;
}

/** A field with an initializer but no annotation has no design type; its rules often tell. */
const TYPE_FROM_RULE: Record<string, string> = {
  isString: 'string',
  isNumber: 'number',
  isInt: 'number',
  isBoolean: 'boolean',
  isDate: 'Date',
  isArray: 'array',
  isEmail: 'string',
  isUUID: 'string',
};

function typeName(designType: unknown, rules: ValidationRule[]): string {
  if (designType === undefined || designType === Object) {
    const typed = rules.find((rule) => !rule.each && rule.name !== undefined && rule.name in TYPE_FROM_RULE);
    if (typed) return TYPE_FROM_RULE[typed.name as string] as string;
  }
  switch (designType) {
    case String:
      return 'string';
    case Number:
      return 'number';
    case Boolean:
      return 'boolean';
    case Array:
      return 'array';
    case Date:
      return 'Date';
    case undefined:
    case Object:
      return 'object';
    default:
      return typeof designType === 'function' ? designType.name : 'object';
  }
}
