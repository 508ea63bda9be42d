import { RedisReplyShapeError } from '../errors/redis-reply-shape.error';

/** One stream of an XREADGROUP reply: its key and its raw entries. */
export type StreamReplyPart = readonly [key: string, rawEntries: unknown];

/**
 * The streams of an XREADGROUP reply, in every shape ioredis gives it to `callBuffer`:
 * - ioredis 5 (RESP2): `[[key, entries], ...]`;
 * - ioredis 6 with RESP3 and the default `replyMapping: "legacy"`: the map flattened, `[key, entries, key, entries, ...]`;
 * - ioredis 6 with `replyMapping: "resp3"`: a plain object (or a Map) from key to entries;
 * - `null` when the read timed out.
 * Anything else throws {@link RedisReplyShapeError}: a reply is never dropped unread.
 */
export function streamsOfReadReply(reply: unknown): StreamReplyPart[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    if (reply.length === 0) return [];
    if (Array.isArray(reply[0])) return reply.map(pairOf);
    if (isKey(reply[0])) return flatPairs(reply);
  } else if (reply instanceof Map) {
    return [...(reply as Map<unknown, unknown>)].map(pairOf);
  } else if (typeof reply === 'object' && !Buffer.isBuffer(reply)) {
    return Object.entries(reply as Record<string, unknown>);
  }
  throw new RedisReplyShapeError('XREADGROUP', describeShape(reply));
}

function pairOf(pair: unknown): StreamReplyPart {
  if (!Array.isArray(pair) || pair.length !== 2 || !isKey(pair[0]))
    throw new RedisReplyShapeError('XREADGROUP', `a list of pairs holding ${describeShape(pair)}`);
  return [pair[0].toString(), pair[1]];
}

function flatPairs(reply: unknown[]): StreamReplyPart[] {
  if (reply.length % 2 !== 0) throw new RedisReplyShapeError('XREADGROUP', describeShape(reply));
  const parts: StreamReplyPart[] = [];
  for (let index = 0; index < reply.length; index += 2) {
    const key = reply[index];
    if (!isKey(key)) throw new RedisReplyShapeError('XREADGROUP', `a flat list holding ${describeShape(key)}`);
    parts.push([key.toString(), reply[index + 1]]);
  }
  return parts;
}

function isKey(value: unknown): value is Buffer | string {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** A short description of a value's shape for an error message, never its contents. */
export function describeShape(value: unknown, depth = 0): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'a buffer';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty list';
    return depth >= 2
      ? `a list of ${value.length}`
      : `a list of ${value.length} starting with ${describeShape(value[0], depth + 1)}`;
  }
  if (value instanceof Map) return `a Map of ${value.size}`;
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}`;
  return `a ${typeof value}`;
}
