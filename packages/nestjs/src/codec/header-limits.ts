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
  /** W3C `traceparent` (55 characters in version 00). */
  traceparent: 512,
  /** W3C `tracestate` (at most 32 members of at most 256 characters). */
  tracestate: 8192,
});

/** With the `u` flag a surrogate class matches only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string of 1 to `max` code units; with `wellFormed` (addresses: they are echoed back as `to`
 * and encoded into the CloudEvents `source`), also without a lone surrogate.
 */
export function isHeaderString(value: unknown, max: number, wellFormed = false): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= max && !(wellFormed && LONE_SURROGATE.test(value))
  );
}

/** What is wrong with a header field value, for error messages; undefined when it is fine. */
export function headerStringProblem(value: unknown, max: number, wellFormed = false): string | undefined {
  if (typeof value !== 'string') return `is ${value === null ? 'null' : typeof value}, not a string`;
  if (value.length === 0) return 'is empty';
  if (value.length > max) return `is ${value.length} characters long, above the limit of ${max}`;
  if (wellFormed && LONE_SURROGATE.test(value)) return 'holds a lone UTF-16 surrogate';
  return undefined;
}

/** Whether `value` is an RFC 3339 / ISO 8601 timestamp JavaScript can read. */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && value.length <= HEADER_LIMITS.time && !Number.isNaN(Date.parse(value));
}
