/** One entry as XREADGROUP / XCLAIM return it with buffers: its id and its frame (null once deleted). */
export interface StreamEntry {
  id: string;
  frame: Buffer | null;
}

export const FRAME_FIELD = 'frame';

type RawEntry = [Buffer | string, (Buffer | string)[] | null];

/** Reads ioredis's raw entry arrays; an entry without fields was deleted from the stream. */
export function toStreamEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return (raw as (RawEntry | null)[])
    .filter((entry): entry is RawEntry => Array.isArray(entry))
    .map(([id, fields]) => ({ id: id.toString(), frame: frameOf(fields) }));
}

function frameOf(fields: (Buffer | string)[] | null): Buffer | null {
  if (!fields) return null;
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if ((fields[index] as Buffer | string).toString() === FRAME_FIELD) {
      const value = fields[index + 1] as Buffer | string;
      return Buffer.isBuffer(value) ? value : Buffer.from(value);
    }
  }
  return Buffer.alloc(0);
}
