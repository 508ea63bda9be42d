import { Envelope, FrameCodec, FrameDecodeError, MessageHeader } from '@smart-message/nestjs';

/** The serializer name Ruby SmartMessage writes into `_sm_header.serializer`. */
export const RUBY_JSON_SERIALIZER = 'SmartMessage::Serializer::Json';

interface RubyHeader {
  uuid?: unknown;
  message_class?: unknown;
  published_at?: unknown;
  publisher_pid?: unknown;
  version?: unknown;
  from?: unknown;
  to?: unknown;
  reply_to?: unknown;
  serializer?: unknown;
}

/**
 * Reads and writes the Ruby SmartMessage (0.0.17) Redis frame: one flat JSON object, the header
 * under `_sm_header` first, then the payload's properties. Use it with a pub/sub transport whose
 * prefix is '' and message names equal to the Ruby class names, to share Redis with Ruby services.
 *
 * The Ruby header has no correlation or causation ids (its header class refuses unknown keys),
 * so those are not carried; payloads must use the JSON serializer.
 */
export class RubySmartMessageCodec implements FrameCodec {
  readonly name = 'ruby-smart-message';

  encode(envelope: Envelope): string {
    const { header, payload } = envelope;
    if (header.serializer !== 'json' || typeof payload !== 'string' || !payload.startsWith('{')) {
      throw new FrameDecodeError(`Ruby SmartMessage frames carry JSON objects only, not ${header.serializer} payloads`);
    }
    const rubyHeader: RubyHeader = {
      uuid: header.uuid,
      message_class: header.messageClass,
      published_at: toRubyTime(header.publishedAt),
      publisher_pid: header.publisherPid,
      version: header.version,
      from: header.from,
      ...(header.to === undefined ? {} : { to: header.to }),
      ...(header.replyTo === undefined ? {} : { reply_to: header.replyTo }),
      serializer: RUBY_JSON_SERIALIZER,
    };
    const properties = payload.slice(1, -1).trim();
    return `{"_sm_header":${JSON.stringify(rubyHeader)}${properties ? `,${properties}` : ''}}`;
  }

  decode(frame: string | Uint8Array): Envelope {
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8'));
    } catch (error) {
      throw new FrameDecodeError(`frame is not JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FrameDecodeError('frame is not a JSON object');
    }
    const { _sm_header: rawHeader, ...properties } = parsed as { _sm_header?: RubyHeader };
    if (rawHeader === null || typeof rawHeader !== 'object') throw new FrameDecodeError('frame has no _sm_header');
    return { header: toHeader(rawHeader), payload: JSON.stringify(properties) };
  }
}

function toHeader(raw: RubyHeader): MessageHeader {
  const missing = (['uuid', 'message_class', 'from'] as const).filter((key) => typeof raw[key] !== 'string');
  if (missing.length > 0) throw new FrameDecodeError(`_sm_header lacks ${missing.join(', ')}`);
  const version = raw.version ?? 1;
  if (!Number.isInteger(version)) throw new FrameDecodeError('_sm_header.version is not an integer');
  const serializer = raw.serializer ?? RUBY_JSON_SERIALIZER;
  if (serializer !== RUBY_JSON_SERIALIZER)
    throw new FrameDecodeError(`unsupported Ruby serializer ${String(serializer)}`);
  const header: MessageHeader = {
    uuid: raw.uuid as string,
    messageClass: raw.message_class as string,
    version: version as number,
    publishedAt: fromRubyTime(raw.published_at),
    publisherPid: typeof raw.publisher_pid === 'number' ? raw.publisher_pid : 0,
    from: raw.from as string,
    serializer: 'json',
  };
  if (typeof raw.to === 'string') header.to = raw.to;
  if (typeof raw.reply_to === 'string') header.replyTo = raw.reply_to;
  return header;
}

/** Ruby's `Time#to_s` form, which is what the original's JSON carries: `2025-09-11 19:30:00 +0000`. */
function toRubyTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

/** Accepts Ruby's `Time#to_s` form and ISO 8601 (the original's DLQ form); answers ISO 8601. */
function fromRubyTime(value: unknown): string {
  if (typeof value !== 'string') return new Date(0).toISOString();
  const ruby = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})$/.exec(value);
  const date = new Date(ruby ? `${ruby[1]}T${ruby[2]}${ruby[3]}:${ruby[4]}` : value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
