import { HEADER_LIMITS } from '../../codec/header-limits';
import { JsonSchema } from './json-schema.interface';

const text = (maxLength: number, description: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  description,
});

/**
 * The SmartMessage header as a schema, with the limits receivers hold frames to
 * (`HEADER_LIMITS`). The header travels beside the payload; the frame codec decides how (the
 * CloudEvents codec writes `messageClass` as `type`, `uuid` as `id`, the rest as attributes; see
 * docs/wire-format.md), so this names the fields as handlers see them in `context.header`.
 */
export function headerSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'The SmartMessage header, as handlers read it in context.header',
    required: ['uuid', 'messageClass', 'version', 'publishedAt', 'publisherPid', 'from', 'serializer'],
    properties: {
      uuid: {
        ...text(HEADER_LIMITS.id, 'New per published message; the id of deduplication and request–reply'),
        format: 'uuid',
      },
      messageClass: text(HEADER_LIMITS.messageClass, 'The message type’s routing name'),
      version: { type: 'integer', minimum: 1, description: 'Schema version of the payload' },
      publishedAt: { type: 'string', format: 'date-time', maxLength: HEADER_LIMITS.time },
      publisherPid: { type: 'integer', minimum: 0 },
      from: text(HEADER_LIMITS.address, 'The sending entity'),
      to: text(HEADER_LIMITS.address, 'The receiving entity; absent means broadcast'),
      replyTo: text(HEADER_LIMITS.address, 'Where a reply goes instead of `from`'),
      serializer: text(HEADER_LIMITS.serializer, 'The serializer chain that encoded the payload, e.g. json+deflate'),
      correlationId: text(HEADER_LIMITS.id, 'A reply carries the uuid of the request it answers'),
      causationId: text(HEADER_LIMITS.id, 'The uuid of the message whose handling caused this one'),
      sentAt: {
        type: 'string',
        format: 'date-time',
        maxLength: HEADER_LIMITS.time,
        description: 'Signed messages only',
      },
      signature: text(HEADER_LIMITS.signature, 'v1;<algorithm>;<key id>;<signature>, see docs/security.md'),
      traceparent: text(HEADER_LIMITS.traceparent, 'W3C trace context'),
      tracestate: text(HEADER_LIMITS.tracestate, 'W3C trace context'),
    },
  };
}

/** The header of one message type at one version: the shared header, its name and version fixed. */
export function messageHeaderSchema(headerRef: JsonSchema, name: string, version: number): JsonSchema {
  return {
    type: 'object',
    allOf: [headerRef],
    properties: { messageClass: { const: name }, version: { const: version } },
  };
}
