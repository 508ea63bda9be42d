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
  const messages = new Map<string, { name: string; version: number; message: AsyncApiMessage }>();
  for (const type of types) {
    const id = messageId(type.name, type.version);
    const message = describeMessage(type, sources, schemas.addMessage(id, type.target), headerRef);
    messages.set(id, { name: type.name, version: type.version, message });
  }
  // A version a class reads by upcasting or writes by downcasting travels on its channel even
  // when no class of that version is loaded here: it gets a message, without a payload schema.
  for (const type of types) {
    for (const version of [...type.versions.upcastVersions, ...downcastVersions(type)]) {
      const id = messageId(type.name, version);
      if (!messages.has(id))
        messages.set(id, { name: type.name, version, message: olderVersion(type, version, sources, headerRef) });
    }
  }
  for (const [id, { message }] of [...messages].sort(
    ([, a], [, b]) => a.name.localeCompare(b.name) || a.version - b.version,
  )) {
    document.components.messages[id] = message;
  }

  /** The channel of a type on a transport, created on first use; returns its id. */
  const channelOf = (type: MessageTypeMetadata, transportName: string): string => {
    const id = channelId(type.name, transportName);
    const channel = (document.channels[id] ??= newChannel(type, transports.get(transportName), transportName, options));
    const message = messageId(type.name, type.version);
    channel.messages[message] = { $ref: componentRef('messages', message) };
    return id;
  };
  /** References to a type's messages of these versions, through its channel (added there if missing). */
  const messagesOf = (channel: string, type: MessageTypeMetadata, versions: readonly number[]) =>
    [type.version, ...versions].map((version) => {
      const id = messageId(type.name, version);
      document.channels[channel]!.messages[id] ??= { $ref: componentRef('messages', id) };
      return { $ref: channelMessageRef(channel, id) };
    });

  for (const type of types) {
    messagesOf(channelOf(type, sources.transportOf(type)), type, [
      ...type.versions.upcastVersions,
      ...downcastVersions(type),
    ]);
  }

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
      messages: messagesOf(channel, type, downcastVersions(type)),
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
      messages: messagesOf(channel, type, type.versions.upcastVersions),
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
  const upcastsFrom = type.versions.upcastVersions;
  const publishesAs = downcastVersions(type);
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
    ...(upcastsFrom.length === 0 ? {} : { 'x-smart-message-upcasts-from': upcastsFrom }),
    'x-smart-message-on-future-version': type.versions.onFutureVersion,
    ...(publishesAs.length === 0 ? {} : { 'x-smart-message-publishes-as': publishesAs }),
    ...(type.from === undefined ? {} : { 'x-smart-message-from': type.from }),
    ...(type.to === undefined ? {} : { 'x-smart-message-to': type.to }),
    ...(type.replyTo === undefined ? {} : { 'x-smart-message-reply-to': type.replyTo }),
  };
}

/** The older versions a class can be published as (`downcast`), newest first. */
function downcastVersions({ version, downcasts }: MessageTypeMetadata): number[] {
  if (downcasts === undefined) return [];
  return Array.from({ length: version - downcasts.oldest }, (_, i) => version - 1 - i);
}

/** An older version known only through `type`'s upcasters or downcasters: no class, so no payload schema. */
function olderVersion(
  type: MessageTypeMetadata,
  version: number,
  sources: AsyncApiSources,
  headerRef: AsyncApiMessage['headers'],
): AsyncApiMessage {
  const serializer = sources.serializerOf(type);
  const contentType = sources.contentTypeOf(serializer);
  const ways = [
    ...(type.versions.upcastVersions.includes(version) ? ['reads it by upcasting'] : []),
    ...(downcastVersions(type).includes(version) ? ['writes it by downcasting'] : []),
  ];
  return {
    name: type.name,
    title: `${type.name} v${version}`,
    summary:
      `Version ${version} of ${type.name}: the version ${type.version} class ${ways.join(' and ')}. ` +
      'No class of this version is loaded here, so its payload schema is not given.',
    ...(contentType === undefined ? {} : { contentType }),
    headers: messageHeaderSchema(headerRef, type.name, version),
    payload: { type: 'object' },
    correlationId: { $ref: componentRef('correlationIds', CORRELATION_ID) },
    'x-smart-message-version': version,
    'x-smart-message-serializer': serializer,
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
