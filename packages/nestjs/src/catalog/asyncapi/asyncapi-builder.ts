import { CLASS_KEY, describedProperties } from '../described-properties';
import type { MessageTypeMetadata } from '../message-type-metadata.interface';
import {
  AsyncApiChannel,
  AsyncApiDocument,
  AsyncApiMessage,
  AsyncApiOperation,
  AsyncApiOperationReply,
} from './asyncapi-document.interface';
import { AsyncApiOptions } from './asyncapi-options.interface';
import { AsyncApiSources, AsyncApiTransport } from './asyncapi-sources.interface';
import { channelId, channelMessageRef, channelRef, componentRef, messageId, safeId, uniqueId } from './component-names';
import { headerSchema, messageHeaderSchema } from './header-schema';
import { PayloadSchemas } from './payload-schemas';

const HEADER_SCHEMA = 'SmartMessageHeader';
const CORRELATION_ID = 'SmartMessageCorrelation';
const DEFAULT_CONTENT_TYPE = 'application/json';

/**
 * Builds the AsyncAPI 3.0.0 document of a catalog: a message (with payload schema) per type
 * and version, a channel per type and transport holding its versions, a `receive` operation per
 * handler and a `send` operation per declared publisher, request–reply through `reply`.
 */
export function buildAsyncApi(sources: AsyncApiSources, options: AsyncApiOptions = {}): AsyncApiDocument {
  const schemas = new PayloadSchemas(sources.unknownProperties);
  const headerRef = schemas.add(HEADER_SCHEMA, headerSchema());
  const transports = new Map(sources.transports.map((transport) => [transport.name, transport]));
  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    ...(options.id === undefined ? {} : { id: options.id }),
    info: {
      title: options.title ?? sources.entity ?? 'SmartMessage',
      version: options.version ?? '1.0.0',
      description:
        options.description ??
        `The messages ${sources.entity === undefined ? 'this service' : `the ${sources.entity} service`} sends and receives over SmartMessage`,
      ...(options.contact === undefined ? {} : { contact: options.contact }),
      ...(options.license === undefined ? {} : { license: options.license }),
    },
    defaultContentType: DEFAULT_CONTENT_TYPE,
    ...(options.servers === undefined
      ? {}
      : {
          servers: Object.fromEntries(Object.entries(options.servers).map(([name, server]) => [safeId(name), server])),
        }),
    channels: {},
    operations: {},
    components: {
      schemas: {},
      messages: {},
      correlationIds: {
        [CORRELATION_ID]: {
          description: 'A reply carries the uuid of the request it answers as its correlationId',
          location: '$message.header#/correlationId',
        },
      },
    },
  };

  const types = [...sources.types].sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  for (const type of types) {
    const id = messageId(type.name, type.version);
    document.components.messages[id] = describeMessage(type, sources, schemas.addMessage(id, type.target), headerRef);
  }

  /** The channel of a type on a transport, created on first use; returns its id. */
  const channelOf = (type: MessageTypeMetadata, transportName: string): string => {
    const id = channelId(type.name, transportName);
    const channel = (document.channels[id] ??= newChannel(type, transports.get(transportName), transportName, options));
    const message = messageId(type.name, type.version);
    channel.messages[message] = { $ref: componentRef('messages', message) };
    return id;
  };
  for (const type of types) channelOf(type, sources.transportOf(type));

  const replyOf = (replyType: MessageTypeMetadata | undefined): AsyncApiOperationReply | undefined => {
    if (replyType === undefined) return undefined;
    const channel = channelOf(replyType, sources.transportOf(replyType));
    return {
      channel: { $ref: channelRef(channel) },
      messages: [{ $ref: channelMessageRef(channel, messageId(replyType.name, replyType.version)) }],
    };
  };
  const addOperation = (id: string, operation: AsyncApiOperation): void => {
    document.operations[uniqueId(safeId(id), document.operations)] = operation;
  };

  for (const publisher of sources.publishers) {
    const type = publisher.messageType;
    const channel = channelOf(type, sources.transportOf(type));
    const reply = replyOf(publisher.replyType);
    addOperation(`${publisher.publisher}.send.${messageId(type.name, type.version)}`, {
      action: 'send',
      channel: { $ref: channelRef(channel) },
      title: `${publisher.publisher} ${reply ? 'requests' : 'sends'} ${type.name} v${type.version}`,
      messages: [{ $ref: channelMessageRef(channel, messageId(type.name, type.version)) }],
      ...(reply === undefined ? {} : { reply }),
    });
  }
  for (const handler of sources.handlers) {
    const type = handler.messageType;
    const channel = channelOf(type, handler.transport);
    const reply = replyOf(handler.replyType);
    addOperation(handler.id, {
      action: 'receive',
      channel: { $ref: channelRef(channel) },
      title: `${handler.id} handles ${type.name} v${type.version}`,
      messages: [{ $ref: channelMessageRef(channel, messageId(type.name, type.version)) }],
      ...(reply === undefined ? {} : { reply }),
    });
  }

  document.components.schemas = schemas.all();
  return document;
}

function describeMessage(
  type: MessageTypeMetadata,
  sources: AsyncApiSources,
  payload: AsyncApiMessage['payload'],
  headerRef: AsyncApiMessage['headers'],
): AsyncApiMessage {
  const serializer = sources.serializerOf(type);
  const description = type.description ?? describedProperties(type.target).get(CLASS_KEY);
  const contentType = sources.contentTypeOf(serializer);
  return {
    name: type.name,
    title: `${type.name} v${type.version}`,
    ...(description === undefined ? {} : { summary: description }),
    ...(contentType === undefined ? {} : { contentType }),
    headers: messageHeaderSchema(headerRef, type.name, type.version),
    payload,
    correlationId: { $ref: componentRef('correlationIds', CORRELATION_ID) },
    'x-smart-message-version': type.version,
    'x-smart-message-serializer': serializer,
    ...(type.from === undefined ? {} : { 'x-smart-message-from': type.from }),
    ...(type.to === undefined ? {} : { 'x-smart-message-to': type.to }),
    ...(type.replyTo === undefined ? {} : { 'x-smart-message-reply-to': type.replyTo }),
  };
}

function newChannel(
  type: MessageTypeMetadata,
  transport: AsyncApiTransport | undefined,
  transportName: string,
  options: AsyncApiOptions,
): AsyncApiChannel {
  return {
    address: transport?.addressOf?.(type.name) ?? type.name,
    title: `${type.name} on ${transportName}`,
    messages: {},
    ...(options.servers?.[transportName] === undefined
      ? {}
      : { servers: [{ $ref: `#/servers/${safeId(transportName)}` }] }),
    'x-smart-message-transport': transportName,
    'x-smart-message-transport-kind': transport?.kind ?? 'unknown',
  };
}
