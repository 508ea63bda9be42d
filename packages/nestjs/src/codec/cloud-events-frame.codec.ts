import { FrameDecodeError } from '../errors';
import { EncodedPayload, Envelope } from '../interfaces/envelope.interface';
import { FrameCodec } from './frame-codec.interface';
import { CHAIN_SEPARATOR } from './chain/chain-name';
import { MessageHeader } from '../interfaces/message-header.interface';
import {
  HEADER_STRING_RULES,
  HeaderStringRule,
  headerStringProblem,
  isHeaderVersion,
  isTimestamp,
} from './header-limits';

/**
 * The CloudEvents 1.0 attributes of a frame. Header fields CloudEvents has no attribute for
 * travel as extension attributes (lower-case letters only, as the spec requires).
 */
export interface CloudEventFrame {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: string;
  smversion: number;
  smfrom: string;
  smto?: string;
  smreplyto?: string;
  smpublisherpid: number;
  smserializer: string;
  /**
   * The stages after the payload serializer, in the order they ran, as HTTP writes
   * `Content-Encoding` (`deflate`; later `deflate, a256gcm`): `datacontenttype` stays the
   * serializer's type, so a CloudEvents reader knows what `data_base64` holds once undone.
   * Written from `smserializer`; readers take the chain from `smserializer` alone.
   */
  smcontentencoding?: string;
  smcorrelationid?: string;
  smcausationid?: string;
  /** The signed send time of a signed message. */
  smsentat?: string;
  /** The signature block of a signed message. */
  smsignature?: string;
  /** CloudEvents distributed tracing extension: the W3C trace context. */
  traceparent?: string;
  tracestate?: string;
  /** Length of the JSON text of `data`, which the writer puts last: lets the reader slice it out unparsed. */
  smdatalength?: number;
  data?: unknown;
  data_base64?: string;
}

/** Maps payload serializer names (the first part of a chain) to the `datacontenttype` a frame declares. */
export type ContentTypeResolver = (serializer: string) => string;

const JSON_CONTENT = /^application\/(?:[\w.+-]+\+)?json\b/;
const FAST_PREFIX = '{"specversion":"1.0","id":';
const DATA_KEY = ',"data":';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Writes and reads frames as CloudEvents 1.0 structured-mode JSON events, so any CloudEvents
 * tool can read SmartMessage traffic. JSON payloads are embedded as `data` without re-parsing;
 * binary payloads travel as `data_base64`. See docs/wire-format.md.
 */
export class CloudEventsFrameCodec implements FrameCodec {
  readonly name = 'cloudevents';

  constructor(private readonly contentTypeOf: ContentTypeResolver = () => 'application/json') {}

  encode(envelope: Envelope): string {
    const { header, payload } = envelope;
    const chain = header.serializer;
    const stagesAt = chain.indexOf(CHAIN_SEPARATOR);
    const contentType = this.contentTypeOf(stagesAt < 0 ? chain : chain.slice(0, stagesAt));
    // Members in the documented order (docs/wire-format.md), optional ones only when present,
    // without the temporary objects of conditional spreads.
    const attributes: Partial<CloudEventFrame> = {
      specversion: '1.0',
      id: header.uuid,
      source: sourceOf(header.from),
      type: header.messageClass,
      time: header.publishedAt,
      datacontenttype: contentType,
      smversion: header.version,
      smfrom: header.from,
    };
    if (header.to !== undefined) attributes.smto = header.to;
    if (header.replyTo !== undefined) attributes.smreplyto = header.replyTo;
    attributes.smpublisherpid = header.publisherPid;
    attributes.smserializer = chain;
    if (stagesAt >= 0)
      attributes.smcontentencoding = chain
        .slice(stagesAt + 1)
        .split(CHAIN_SEPARATOR)
        .join(', ');
    if (header.correlationId !== undefined) attributes.smcorrelationid = header.correlationId;
    if (header.causationId !== undefined) attributes.smcausationid = header.causationId;
    if (header.sentAt !== undefined) attributes.smsentat = header.sentAt;
    if (header.signature !== undefined) attributes.smsignature = header.signature;
    if (header.traceparent !== undefined) attributes.traceparent = header.traceparent;
    if (header.tracestate !== undefined) attributes.tracestate = header.tracestate;
    if (typeof payload === 'string' && JSON_CONTENT.test(contentType)) attributes.smdatalength = payload.length;
    const head = JSON.stringify(attributes).slice(0, -1);
    // `data` is always the last member: the reader relies on it to slice JSON payloads out unparsed.
    if (typeof payload !== 'string') return `${head},"data_base64":"${Buffer.from(payload).toString('base64')}"}`;
    return JSON_CONTENT.test(contentType)
      ? `${head}${DATA_KEY}${payload}}`
      : `${head}${DATA_KEY}${JSON.stringify(payload)}}`;
  }

  decode(frame: string | Uint8Array): Envelope {
    let text: string;
    try {
      text = typeof frame === 'string' ? frame : utf8.decode(frame);
    } catch {
      throw new FrameDecodeError('frame is not UTF-8 text');
    }
    return this.decodeOwnFrame(text) ?? this.decodeAnyFrame(text);
  }

  /** Frames this codec wrote: parse the small attribute part, hand the JSON payload on as text. */
  private decodeOwnFrame(text: string): Envelope | undefined {
    if (!text.startsWith(FAST_PREFIX)) return undefined;
    const dataAt = text.indexOf(DATA_KEY);
    if (dataAt < 0 || text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
    let attributes: Partial<CloudEventFrame>;
    try {
      attributes = JSON.parse(`${text.slice(0, dataAt)}}`) as Partial<CloudEventFrame>;
    } catch {
      return undefined;
    }
    if (typeof attributes.datacontenttype !== 'string' || !JSON_CONTENT.test(attributes.datacontenttype))
      return undefined;
    const payloadStart = dataAt + DATA_KEY.length;
    // Only a frame whose `data` runs exactly to the end, as its writer declared, is sliced;
    // any other (members after `data`, another writer) takes the slow path.
    if (attributes.smdatalength !== text.length - 1 - payloadStart) return undefined;
    return { header: toHeader(attributes), payload: text.slice(payloadStart, -1) };
  }

  private decodeAnyFrame(text: string): Envelope {
    let event: Partial<CloudEventFrame>;
    try {
      event = JSON.parse(text) as Partial<CloudEventFrame>;
    } catch (error) {
      throw new FrameDecodeError(`frame is not JSON: ${(error as Error).message}`);
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event))
      throw new FrameDecodeError('frame is not a JSON object');
    return { header: toHeader(event), payload: payloadOf(event) };
  }
}

function payloadOf(event: Partial<CloudEventFrame>): EncodedPayload {
  if (typeof event.data_base64 === 'string') return Buffer.from(event.data_base64, 'base64');
  if (!('data' in event)) throw new FrameDecodeError('frame has neither data nor data_base64');
  const contentType = typeof event.datacontenttype === 'string' ? event.datacontenttype : 'application/json';
  if (JSON_CONTENT.test(contentType)) return JSON.stringify(event.data);
  if (typeof event.data === 'string') return event.data;
  throw new FrameDecodeError(`frame data of content type ${contentType} is not text`);
}

function toHeader(event: Partial<CloudEventFrame>): MessageHeader {
  const problems = attributeProblems(event);
  if (problems !== undefined) throw new FrameDecodeError(`frame has invalid attributes: ${problems.join('; ')}`);
  const header: MessageHeader = {
    uuid: event.id as string,
    messageClass: event.type as string,
    version: event.smversion as number,
    publishedAt: event.time as string,
    publisherPid: event.smpublisherpid ?? 0,
    from: event.smfrom as string,
    serializer: event.smserializer as string,
  };
  if (event.smto !== undefined) header.to = event.smto;
  if (event.smreplyto !== undefined) header.replyTo = event.smreplyto;
  if (event.smcorrelationid !== undefined) header.correlationId = event.smcorrelationid;
  if (event.smcausationid !== undefined) header.causationId = event.smcausationid;
  if (event.smsentat !== undefined) header.sentAt = event.smsentat;
  if (event.smsignature !== undefined) header.signature = event.smsignature;
  if (event.traceparent !== undefined) header.traceparent = event.traceparent;
  if (event.tracestate !== undefined) header.tracestate = event.tracestate;
  return header;
}

type StringAttribute = 'id' | 'type' | 'smfrom' | 'smserializer';
type OptionalAttribute =
  'smto' | 'smreplyto' | 'smcorrelationid' | 'smcausationid' | 'smsignature' | 'traceparent' | 'tracestate';

/** Attribute and the rule of the header field it carries. */
const REQUIRED_STRINGS: readonly (readonly [StringAttribute, HeaderStringRule])[] = [
  ['id', HEADER_STRING_RULES.uuid],
  ['type', HEADER_STRING_RULES.messageClass],
  ['smfrom', HEADER_STRING_RULES.from],
  ['smserializer', HEADER_STRING_RULES.serializer],
];

/** Present or absent; present with another type (or empty: `to: ""` is not a broadcast) is refused. */
const OPTIONAL_STRINGS: readonly (readonly [OptionalAttribute, HeaderStringRule])[] = [
  ['smto', HEADER_STRING_RULES.to],
  ['smreplyto', HEADER_STRING_RULES.replyTo],
  ['smcorrelationid', HEADER_STRING_RULES.correlationId],
  ['smcausationid', HEADER_STRING_RULES.causationId],
  ['smsignature', HEADER_STRING_RULES.signature],
  ['traceparent', HEADER_STRING_RULES.traceparent],
  ['tracestate', HEADER_STRING_RULES.tracestate],
];

/**
 * What is wrong with a frame's attributes, in the documented member order; undefined when
 * nothing is. Checked on every frame received: nothing is built until something is wrong.
 */
function attributeProblems(event: Partial<CloudEventFrame>): string[] | undefined {
  let problems: string[] | undefined;
  if (event.specversion !== '1.0') problems = ['specversion is not "1.0"'];
  for (const [key, rule] of REQUIRED_STRINGS) {
    const value = event[key];
    const problem = value === undefined ? 'is missing' : headerStringProblem(value, rule);
    if (problem !== undefined) (problems ??= []).push(`${key} ${problem}`);
    // In the documented member order: `time` follows `type`.
    if (key === 'type' && !isTimestamp(event.time)) (problems ??= []).push('time is not a valid RFC 3339 timestamp');
  }
  for (const [key, rule] of OPTIONAL_STRINGS) {
    const value = event[key];
    if (value === undefined) continue;
    const problem = headerStringProblem(value, rule);
    if (problem !== undefined) (problems ??= []).push(`${key} ${problem}`);
  }
  if (event.smsentat !== undefined && !isTimestamp(event.smsentat))
    (problems ??= []).push('smsentat is not a valid RFC 3339 timestamp');
  if (!isHeaderVersion(event.smversion)) (problems ??= []).push('smversion is not a positive integer');
  if (event.smpublisherpid !== undefined && !isPid(event.smpublisherpid))
    (problems ??= []).push('smpublisherpid is not a non-negative integer');
  return problems;
}

function isPid(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

const LONE_SURROGATES = /\p{Cs}/gu;
let lastFrom = '';
let lastSource = '/';

/** The CloudEvents `source` of a sender; a service sends as itself, so the last one is remembered. */
function sourceOf(from: string): string {
  if (from !== lastFrom) {
    // A lone surrogate (refused on publish, but a replayed envelope may hold one) would make
    // encodeURIComponent throw a URIError out of the codec: such halves are written as U+FFFD.
    lastSource = `/${encodeURIComponent(from.replace(LONE_SURROGATES, '\uFFFD'))}`;
    lastFrom = from;
  }
  return lastSource;
}
