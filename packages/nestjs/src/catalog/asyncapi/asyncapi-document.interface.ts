import { JsonSchema } from './json-schema.interface';

/*
 * The parts of an AsyncAPI 3.0.0 document that `MessageCatalog.toAsyncApi()` emits, typed after
 * https://www.asyncapi.com/docs/reference/specification/v3.0.0. Optional members the catalog
 * never writes are left out; `x-smart-message-*` members are specification extensions.
 */

/** `{ $ref: '#/…' }`: a pointer to another part of the same document. */
export interface AsyncApiReference {
  $ref: string;
}

export interface AsyncApiContact {
  name?: string;
  url?: string;
  email?: string;
}

export interface AsyncApiLicense {
  name: string;
  url?: string;
}

export interface AsyncApiInfo {
  title: string;
  /** The version of the application's API, not of AsyncAPI. */
  version: string;
  description?: string;
  contact?: AsyncApiContact;
  license?: AsyncApiLicense;
}

/** A broker a transport connects to, e.g. `{ host: 'localhost:6379', protocol: 'redis' }`. */
export interface AsyncApiServer {
  host: string;
  protocol: string;
  protocolVersion?: string;
  pathname?: string;
  title?: string;
  description?: string;
}

/** One message type at one version, as it travels in a frame. */
export interface AsyncApiMessage {
  name: string;
  title: string;
  summary?: string;
  description?: string;
  contentType?: string;
  /** The SmartMessage header, which travels beside (never inside) the payload. */
  headers: JsonSchema;
  payload: JsonSchema;
  correlationId?: AsyncApiReference;
  'x-smart-message-version': number;
  /** The serializer chain, e.g. `json+a256gcm`: the payload schema describes what it decodes to. */
  'x-smart-message-serializer': string;
  /** Older versions the class reads by upcasting them to this one, oldest first. */
  'x-smart-message-upcasts-from'?: number[];
  /** What handlers of the class do with a newer version: dead-letter it, or read what they know of it. */
  'x-smart-message-on-future-version'?: 'reject' | 'tolerant';
  /** Older versions the class can also be published as (`downcast`), newest first. */
  'x-smart-message-publishes-as'?: number[];
  'x-smart-message-from'?: string;
  'x-smart-message-to'?: string;
  'x-smart-message-reply-to'?: string;
}

/** Where a message type travels on one transport: its channel, stream or subject. */
export interface AsyncApiChannel {
  address: string;
  title?: string;
  description?: string;
  messages: Record<string, AsyncApiReference>;
  servers?: AsyncApiReference[];
  /** The name of the bus's transport this channel is on. */
  'x-smart-message-transport': string;
  /** The transport's kind, e.g. `redis-streams`. */
  'x-smart-message-transport-kind': string;
}

/** What the receiver of a request sends back, and on which channel. */
export interface AsyncApiOperationReply {
  channel: AsyncApiReference;
  messages: AsyncApiReference[];
}

/** A publisher (`send`) or a handler (`receive`) of a message type. */
export interface AsyncApiOperation {
  action: 'send' | 'receive';
  channel: AsyncApiReference;
  title?: string;
  summary?: string;
  description?: string;
  messages: AsyncApiReference[];
  reply?: AsyncApiOperationReply;
}

export interface AsyncApiCorrelationId {
  description?: string;
  /** A runtime expression, e.g. `$message.header#/correlationId`. */
  location: string;
}

export interface AsyncApiComponents {
  schemas: Record<string, JsonSchema>;
  messages: Record<string, AsyncApiMessage>;
  correlationIds: Record<string, AsyncApiCorrelationId>;
}

/** The AsyncAPI 3.0.0 document of a bus's message catalog. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  id?: string;
  info: AsyncApiInfo;
  defaultContentType: string;
  servers?: Record<string, AsyncApiServer>;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, AsyncApiOperation>;
  components: AsyncApiComponents;
}
