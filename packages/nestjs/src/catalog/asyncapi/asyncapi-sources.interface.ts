import type { MessageTypeMetadata } from '../message-type-metadata.interface';
import type { UnknownPropertiesPolicy } from '../../validation/unknown-properties-policy';

/** A transport as the document sees it: its name, its kind and, when it can tell, its addresses. */
export interface AsyncApiTransport {
  name: string;
  kind: string;
  /** The broker address of a message type (channel, stream, subject); absent: the message name. */
  addressOf?(messageClass: string): string;
}

/** A handler: one `receive` operation. */
export interface AsyncApiHandler {
  id: string;
  messageType: MessageTypeMetadata;
  transport: string;
  replyType?: MessageTypeMetadata;
}

/** A declared publisher of a message type: one `send` operation. */
export interface AsyncApiPublisher {
  /** The provider class's name, or the bus's entity for module-level declarations. */
  publisher: string;
  messageType: MessageTypeMetadata;
  /** Set when the publisher sends requests and awaits this reply. */
  replyType?: MessageTypeMetadata;
}

/** Everything the document is built from, read off a bus (or given by a test). */
export interface AsyncApiSources {
  entity?: string;
  types: readonly MessageTypeMetadata[];
  /** The serializer chain of a type (its own, else the bus's default). */
  serializerOf(type: MessageTypeMetadata): string;
  /** The MIME type a serializer chain's payload has, e.g. `application/json`. */
  contentTypeOf(serializer: string): string | undefined;
  transportOf(type: MessageTypeMetadata): string;
  transports: readonly AsyncApiTransport[];
  handlers: readonly AsyncApiHandler[];
  publishers: readonly AsyncApiPublisher[];
  unknownProperties?: UnknownPropertiesPolicy;
}
