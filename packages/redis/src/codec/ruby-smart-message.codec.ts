import { Envelope, FrameCodec, FrameDecodeError, MessageHeader } from '@smart-message/nestjs';
import { HEADER_LIMITS } from '@smart-message/nestjs/transport-kit';
import { ReservedPropertyError } from '../errors/reserved-property.error';
import { countTopLevelMembers } from './top-level-members';

/** The serializer name Ruby SmartMessage writes into `_sm_header.serializer`. */
export const RUBY_JSON_SERIALIZER = 'SmartMessage::Serializer::Json';

const HEADER_KEY = '_sm_header';

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
    // A payload property of the header's name would be read as the header, by us and the Ruby gem.
    if (countTopLevelMembers(payload, HEADER_KEY, 0) > 0)
      throw new ReservedPropertyError(header.messageClass, HEADER_KEY);
    const properties = payload.slice(1, -1).trim();
    return `{"_sm_header":${JSON.stringify(rubyHeader)}${properties ? `,${properties}` : ''}}`;
  }

  decode(frame: string | Uint8Array): Envelope {
    let parsed: unknown;
    const text = typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new FrameDecodeError(`frame is not JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FrameDecodeError('frame is not a JSON object');
    }
    // JSON.parse keeps the last of duplicated members: a second _sm_header is a forged one.
    if (countTopLevelMembers(text, HEADER_KEY, 1) > 1)
      throw new FrameDecodeError('frame has more than one _sm_header member (a payload property forging the header)');
    const { _sm_header: rawHeader, ...properties } = parsed as { _sm_header?: RubyHeader };
    if (rawHeader === null || typeof rawHeader !== 'object') throw new FrameDecodeError('frame has no _sm_header');
    return { header: toHeader(rawHeader), payload: JSON.stringify(properties) };
  }
}

/** Ruby header fields, their longest value and whether they are required. */
const STRING_FIELDS = [
  ['uuid', HEADER_LIMITS.id, true],
  ['message_class', HEADER_LIMITS.messageClass, true],
  ['from', HEADER_LIMITS.address, true],
  ['to', HEADER_LIMITS.address, false],
  ['reply_to', HEADER_LIMITS.address, false],
] as const;

/** With the `u` flag a surrogate class matches only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

function toHeader(raw: RubyHeader): MessageHeader {
  const missing = STRING_FIELDS.filter(([key, , required]) => required && typeof raw[key] !== 'string').map(
    ([key]) => key,
  );
  if (missing.length > 0) throw new FrameDecodeError(`_sm_header lacks ${missing.join(', ')}`);
  for (const [key, max] of STRING_FIELDS) {
    const value = raw[key];
    if (value === undefined) continue;
    // Ruby's nil: the gem writes `"to":null` for a broadcast.
    if (value === null && (key === 'to' || key === 'reply_to')) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > max || LONE_SURROGATE.test(value))
      throw new FrameDecodeError(
        `_sm_header.${key} must be a string of 1 to ${max} characters without lone surrogates`,
      );
  }
  if (raw.publisher_pid !== undefined && !(Number.isInteger(raw.publisher_pid) && (raw.publisher_pid as number) >= 0))
    throw new FrameDecodeError('_sm_header.publisher_pid is not a non-negative integer');
  const version = raw.version ?? 1;
  if (!Number.isInteger(version) || (version as number) < 1)
    throw new FrameDecodeError('_sm_header.version is not a positive integer');
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
  if (value === undefined) return new Date(0).toISOString();
  if (typeof value !== 'string' || value.length > HEADER_LIMITS.time)
    throw new FrameDecodeError('_sm_header.published_at is not a timestamp');
  const ruby = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})$/.exec(value);
  const date = new Date(ruby ? `${ruby[1]}T${ruby[2]}${ruby[3]}:${ruby[4]}` : value);
  if (Number.isNaN(date.getTime()))
    throw new FrameDecodeError(`_sm_header.published_at ${JSON.stringify(value)} is not a timestamp`);
  return date.toISOString();
}
