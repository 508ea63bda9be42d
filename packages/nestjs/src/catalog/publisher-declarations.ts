import { AsyncApiPublisher } from './asyncapi/asyncapi-sources.interface';
import { MessageTypeRegistry } from './message-type-registry';
import { PublishDeclaration } from './publish-declaration.interface';
import { PublishDeclarationError } from './publish-declaration.error';

/** What each publisher said it publishes: `@Publishes()` on providers, `publishes` on the bus. */
export class PublisherDeclarations {
  private readonly byKey = new Map<string, AsyncApiPublisher>();

  constructor(private readonly registry: MessageTypeRegistry) {}

  /** Throws `PublishDeclarationError` for an entry that is not a `@Message()` class. */
  declare(publisher: string, declarations: readonly PublishDeclaration[]): void {
    for (const declaration of declarations) {
      const { type, replyType } =
        typeof declaration === 'function' ? { type: declaration, replyType: undefined } : (declaration ?? {});
      const messageType = this.messageTypeOf(publisher, type, 'a publish declaration');
      const reply = replyType === undefined ? undefined : this.messageTypeOf(publisher, replyType, 'its replyType');
      const key = `${publisher}\0${messageType.name}@${messageType.version}\0${reply ? `${reply.name}@${reply.version}` : ''}`;
      this.byKey.set(key, { publisher, messageType, ...(reply === undefined ? {} : { replyType: reply }) });
    }
  }

  all(): AsyncApiPublisher[] {
    return [...this.byKey.values()];
  }

  private messageTypeOf(publisher: string, type: unknown, what: string): AsyncApiPublisher['messageType'] {
    const metadata = this.registry.find(type);
    if (metadata) return metadata;
    const named = typeof type === 'function' ? `class ${type.name || 'anonymous'} without @Message()` : typeof type;
    throw new PublishDeclarationError(publisher, `${what} is ${named}; name classes decorated with @Message()`);
  }
}
