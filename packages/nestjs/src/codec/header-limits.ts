import type { MessageHeader } from '../interfaces/message-header.interface';

/**
 * Longest value, in UTF-16 code units, each header field may have, on the wire and on publish.
 * Far above any real name or id, far below what could grow logs or memory (a 2 MB `from` was
 * once accepted and logged twice). See docs/wire-format.md.
 */
export const HEADER_LIMITS = Object.freeze({
  /** `from`, `to`, `replyTo`: entity names. */
  address: 256,
  /** `uuid`, `correlationId`, `causationId`. */
  id: 128,
  /** `messageClass` (CloudEvents `type`). */
  messageClass: 256,
  /** `serializer`. */
  serializer: 128,
  /** `publishedAt` (CloudEvents `time`). */
  time: 64,
  /** `signature`: the version, algorithm, key id (at most 64) and an Ed25519 signature (86 base64url characters). */
  signature: 256,
  /** W3C `traceparent` (55 characters in version 00). */
  traceparent: 512,
  /** W3C `tracestate` (at most 32 members of at most 256 characters). */
  tracestate: 8192,
});

/** How a string field of a header is checked: a string of 1 to `max` code units. */
export interface HeaderStringRule {
  readonly max: number;
  /** Also without a lone surrogate: addresses are echoed back as `to` and encoded into the CloudEvents `source`. */
  readonly wellFormed: boolean;
}

const rule = (max: number, wellFormed = false): HeaderStringRule => Object.freeze({ max, wellFormed });

/**
 * The rules of the header's string fields, the one place they are written: publish holds the
 * header it builds to them and the frame codec every frame it reads, so what is sent can be read.
 */
export const HEADER_STRING_RULES = Object.freeze({
  uuid: rule(HEADER_LIMITS.id),
  messageClass: rule(HEADER_LIMITS.messageClass),
  from: rule(HEADER_LIMITS.address, true),
  to: rule(HEADER_LIMITS.address, true),
  replyTo: rule(HEADER_LIMITS.address, true),
  correlationId: rule(HEADER_LIMITS.id),
  causationId: rule(HEADER_LIMITS.id),
  serializer: rule(HEADER_LIMITS.serializer),
  signature: rule(HEADER_LIMITS.signature),
  traceparent: rule(HEADER_LIMITS.traceparent),
  tracestate: rule(HEADER_LIMITS.tracestate),
} satisfies Partial<Record<keyof MessageHeader, HeaderStringRule>>);

/** With the `u` flag a surrogate class matches only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What is wrong with a header field value, for error messages; undefined when it is fine. The
 * check and its wording are one function, so the fast answer and the reported one cannot differ.
 */
export function headerStringProblem(value: unknown, { max, wellFormed }: HeaderStringRule): string | undefined {
  if (typeof value !== 'string') return `is ${value === null ? 'null' : typeof value}, not a string`;
  if (value.length === 0) return 'is empty';
  if (value.length > max) return `is ${value.length} characters long, above the limit of ${max}`;
  if (wellFormed && LONE_SURROGATE.test(value)) return 'holds a lone UTF-16 surrogate';
  return undefined;
}

/** Whether `value` is a message version: a positive integer. */
export function isHeaderVersion(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

/** Whether `value` is an RFC 3339 / ISO 8601 timestamp JavaScript can read. */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && value.length <= HEADER_LIMITS.time && !Number.isNaN(Date.parse(value));
}
