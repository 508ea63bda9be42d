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

  register(metadata: MessageTypeMetadata): void {
    Reflect.defineMetadata(MESSAGE_METADATA, metadata, metadata.target);
    this.types.add(metadata.target);
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

  all(): MessageTypeMetadata[] {
    return [...this.types].map((type) => this.get(type));
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

export const messageTypeRegistry = new MessageTypeRegistry();
