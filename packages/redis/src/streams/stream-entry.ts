import { RedisReplyShapeError } from '../errors/redis-reply-shape.error';
import { describeShape } from './stream-reply';

/** One entry as XREADGROUP / XCLAIM return it with buffers: its id and its frame (null once deleted). */
export interface StreamEntry {
  id: string;
  frame: Buffer | null;
}

export const FRAME_FIELD = 'frame';

/**
 * Reads ioredis's raw entry list (from XREADGROUP, XCLAIM or XRANGE): `[id, [field, value, ...]]`
 * per entry, fields `null` once the entry was deleted, a `null` entry where old Redis versions
 * answer XCLAIM for a deleted entry. Any other shape throws {@link RedisReplyShapeError}, so
 * entries are never dropped unread.
 */
export function toStreamEntries(raw: unknown, command = 'XREADGROUP'): StreamEntry[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new RedisReplyShapeError(command, `entries as ${describeShape(raw)}`);
  const entries: StreamEntry[] = [];
  for (const entry of raw as unknown[]) {
    if (entry === null) continue;
    if (!Array.isArray(entry) || entry.length !== 2 || !isText(entry[0]))
      throw new RedisReplyShapeError(command, `an entry as ${describeShape(entry)}`);
    entries.push({ id: entry[0].toString(), frame: frameOf(entry[1], command) });
  }
  return entries;
}

function frameOf(fields: unknown, command: string): Buffer | null {
  if (fields === null) return null;
  if (Array.isArray(fields)) {
    for (let index = 0; index + 1 < fields.length; index += 2) {
      if (String(fields[index]) === FRAME_FIELD) return asBuffer(fields[index + 1], command);
    }
    return Buffer.alloc(0);
  }
  // A map of fields, should a client ever decode entries as RESP3 maps.
  if (fields instanceof Map)
    return fields.has(FRAME_FIELD) ? asBuffer(fields.get(FRAME_FIELD), command) : Buffer.alloc(0);
  if (typeof fields === 'object' && !Buffer.isBuffer(fields)) {
    const value = (fields as Record<string, unknown>)[FRAME_FIELD];
    return value === undefined ? Buffer.alloc(0) : asBuffer(value, command);
  }
  throw new RedisReplyShapeError(command, `entry fields as ${describeShape(fields)}`);
}

function asBuffer(value: unknown, command: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value);
  throw new RedisReplyShapeError(command, `a frame as ${describeShape(value)}`);
}

function isText(value: unknown): value is Buffer | string {
  return typeof value === 'string' || Buffer.isBuffer(value);
}
