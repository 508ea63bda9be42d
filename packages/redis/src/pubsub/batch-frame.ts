import { FrameDecodeError } from '@smart-message/nestjs';
import type { FrameBatchFormat } from '@smart-message/nestjs/transport-kit';

/** First bytes of a batch message; no frame of either codec starts with them (frames start with `{`). */
export const BATCH_MARKER = 'SMBATCH1 ';
/** Most frames one batch may hold, on publish and on receipt. */
export const MAX_BATCH_FRAMES = 1000;

const MARKER_BYTES = Buffer.from(BATCH_MARKER, 'latin1');
/** The header line holds at most MAX_BATCH_FRAMES lengths of at most 10 digits. */
const MAX_HEADER_BYTES = MARKER_BYTES.length + 5 + MAX_BATCH_FRAMES * 11;
const NEWLINE = 0x0a;

/**
 * Several frames as one PUBLISH message, in a format no single frame can be mistaken for:
 * `SMBATCH1 <count> <bytes of frame 1> … <bytes of frame n>\n<frame 1>\n…\n<frame n>`.
 * The lengths say where every frame ends, so a receiver checks the whole batch before it
 * decodes anything. One frame is sent as itself. See docs/wire-format.md.
 */
export function encodeBatch(frames: readonly string[], sizes: readonly number[]): string {
  if (frames.length === 1) return frames[0] as string;
  return `${BATCH_MARKER}${frames.length} ${sizes.join(' ')}\n${frames.join('\n')}`;
}

/**
 * What a batch costs in bytes beside its frames, for the batcher's size bound: the marker, the
 * count and the header's newline (16), and per frame a length of up to 10 digits, its space and
 * the newline after it (12).
 */
export const BATCH_FORMAT: FrameBatchFormat = { overheadBytes: 16, overheadPerFrameBytes: 12, encode: encodeBatch };

/** Costs two byte compares for a frame that is not a batch. */
export function isBatch(message: Buffer): boolean {
  return message.length > MARKER_BYTES.length && message[0] === MARKER_BYTES[0] && message[1] === MARKER_BYTES[1]
    ? message.subarray(0, MARKER_BYTES.length).equals(MARKER_BYTES)
    : false;
}

/** The frames of a batch (views into `message`); throws one `FrameDecodeError` for a malformed batch. */
export function decodeBatch(message: Buffer): Buffer[] {
  const headerEnd = message.indexOf(NEWLINE);
  if (headerEnd < 0 || headerEnd > MAX_HEADER_BYTES) throw malformed('its header line does not end');
  const fields = message.toString('latin1', MARKER_BYTES.length, headerEnd).split(' ');
  const count = toCount(fields[0]);
  if (count === undefined || count < 2 || count > MAX_BATCH_FRAMES)
    throw malformed(`its frame count must be 2 to ${MAX_BATCH_FRAMES}, got ${JSON.stringify(fields[0]?.slice(0, 12))}`);
  if (fields.length !== count + 1) throw malformed(`it declares ${count} frames but ${fields.length - 1} lengths`);
  const frames: Buffer[] = [];
  let at = headerEnd + 1;
  for (let index = 1; index <= count; index++) {
    const size = toCount(fields[index]);
    if (size === undefined || size < 1 || at + size > message.length)
      throw malformed(`frame ${index} runs past its end`);
    frames.push(message.subarray(at, at + size));
    at += size;
    if (index < count) {
      if (message[at] !== NEWLINE) throw malformed(`frame ${index} is not followed by a newline`);
      at++;
    }
  }
  if (at !== message.length) throw malformed(`${message.length - at} bytes follow its last frame`);
  return frames;
}

function toCount(field: string | undefined): number | undefined {
  return field !== undefined && /^\d{1,10}$/.test(field) ? Number(field) : undefined;
}

function malformed(why: string): FrameDecodeError {
  return new FrameDecodeError(`malformed batch (set aside whole, nothing in it delivered): ${why}`);
}
