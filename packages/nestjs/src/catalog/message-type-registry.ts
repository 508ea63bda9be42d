import { MESSAGE_METADATA } from '../constants';
import { MessageTypeConflictError, NotAMessageError } from '../errors';
import { MessageType } from '../interfaces/message-type.interface';
import { MessageTypeMetadata } from './message-type-metadata.interface';

/**
 * Process-wide record of decorated message classes. It has to be global because decorators
 * run when a class is defined, before any Nest module exists.
 */
export class MessageTypeRegistry {
  private readonly types = new Set<MessageType>();
  private readonly names = new Set<string>();

  register(metadata: MessageTypeMetadata): void {
    Reflect.defineMetadata(MESSAGE_METADATA, metadata, metadata.target);
    this.types.add(metadata.target);
    this.names.add(metadata.name);
  }

  /** Whether a decorated class has this name: one Set lookup, for per-message checks of wire names. */
  hasName(name: string): boolean {
    return this.names.has(name);
  }

  /** Own metadata only: a subclass without its own `@Message()` is not a message type. */
  find(target: unknown): MessageTypeMetadata | undefined {
    if (typeof target !== 'function') return undefined;
    return Reflect.getOwnMetadata(MESSAGE_METADATA, target) as MessageTypeMetadata | undefined;
  }

  get(target: unknown): MessageTypeMetadata {
    const metadata = this.find(target);
    if (!metadata) {
      throw new NotAMessageError(typeof target === 'function' ? target.name || 'anonymous class' : typeof target);
    }
    return metadata;
  }

  /** The message type of a value given to publish: its class must carry `@Message()`. */
  ofMessage(message: unknown): MessageTypeMetadata {
    const metadata = this.find((message as { constructor?: unknown } | null | undefined)?.constructor);
    if (metadata) return metadata;
    throw notAMessage(message);
  }

  all(): MessageTypeMetadata[] {
    return [...this.types].map((type) => this.get(type));
  }

  /**
   * Fails when a handled class shares its name and version with any other registered class,
   * handled or not: a receiver could not tell which one a frame means, and the catalog would
   * list the type twice.
   */
  assertUnambiguous(handled: Iterable<MessageType>): void {
    const handledTypes = [...handled];
    const claims = new Map<string, Set<MessageType>>();
    for (const type of [...this.types, ...handledTypes]) {
      const { name, version } = this.get(type);
      const key = `${name}@${version}`;
      const classes = claims.get(key) ?? new Set<MessageType>();
      classes.add(type);
      claims.set(key, classes);
    }
    for (const type of handledTypes) {
      const { name, version } = this.get(type);
      if ((claims.get(`${name}@${version}`)?.size ?? 0) > 1) throw new MessageTypeConflictError(name, version);
    }
  }

  /** Fails when two classes claim one name and version, which would make routing ambiguous. */
  assertUnique(types: Iterable<MessageType> = this.types): void {
    const seen = new Map<string, MessageType>();
    for (const type of types) {
      const { name, version } = this.get(type);
      const key = `${name}@${version}`;
      const other = seen.get(key);
      if (other && other !== type) throw new MessageTypeConflictError(name, version);
      seen.set(key, type);
    }
  }
}

/** Names what was passed (`typeName`: the name of its class) and what a publisher needs to pass instead. */
function notAMessage(message: unknown): NotAMessageError {
  const constructor = (message as { constructor?: { name?: unknown } } | null | undefined)?.constructor;
  const typeName =
    typeof constructor === 'function'
      ? String(constructor.name) || 'anonymous class'
      : message === null
        ? 'null'
        : typeof message;
  if (message === null || typeof message !== 'object') {
    return new NotAMessageError(
      typeName,
      `Cannot publish ${message === null ? 'null' : typeof message}: publish an instance of a class decorated with @Message()`,
    );
  }
  const prototype = Object.getPrototypeOf(message) as unknown;
  if (prototype === null || prototype === Object.prototype) {
    return new NotAMessageError(
      typeName,
      'A plain object is not a message, even with the right properties: publish an instance of the ' +
        'message class, e.g. Object.assign(new OrderPaid(), { orderId: "A-1" })',
    );
  }
  if (Array.isArray(message)) {
    return new NotAMessageError(typeName, 'An array is not a message: publish each message on its own');
  }
  if (typeof (message as { then?: unknown }).then === 'function') {
    return new NotAMessageError(typeName, 'A promise is not a message: await it, then publish what it resolves to');
  }
  return new NotAMessageError(typeName);
}

export const messageTypeRegistry = new MessageTypeRegistry();
