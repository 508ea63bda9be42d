import { FrameDecodeError, FrameTooLargeError, InvalidOptionError } from '../errors';

/**
 * Default `maxFrameBytes` of the networked transports: 1 MiB. Redis's default pub/sub output
 * buffer limit (32 MB hard) drops a subscriber's connection for one message far below Redis's
 * own 512 MB bulk limit; a bound well under it keeps one sender from costing everyone messages.
 */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * The UTF-8 size of `frame` when it is above `limit` bytes, otherwise undefined. Costs nothing
 * for the usual frame: UTF-8 takes at most 3 bytes per UTF-16 code unit, so only frames longer
 * than a third of the limit are measured.
 */
export function oversizedFrameBytes(frame: string, limit: number): number | undefined {
  if (frame.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(frame, 'utf8');
  return bytes > limit ? bytes : undefined;
}

/** Throws `FrameTooLargeError` for a frame above `limit` bytes, before anything is sent. */
export function assertFrameSize(frame: string, limit: number, transport: string, messageClass?: string): void {
  const bytes = oversizedFrameBytes(frame, limit);
  if (bytes !== undefined) throw new FrameTooLargeError(transport, bytes, limit, messageClass);
}

/** Checks a `maxFrameBytes` option at construction. */
export function frameLimitOption(value: number | undefined, transport: string): number {
  if (value === undefined) return DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidOptionError(transport, 'maxFrameBytes', value, 'a positive integer of bytes');
  return value;
}

/** The first bytes of an oversized frame, kept in its rejection instead of all of it. */
export const OVERSIZED_FRAME_SAMPLE_BYTES = 1024;

/** The error an oversized frame is set aside with on receipt: it is never parsed. */
export function oversizedFrameError(bytes: number, limit: number): FrameDecodeError {
  return new FrameDecodeError(
    `frame of ${bytes} bytes is above maxFrameBytes (${limit}); set aside unparsed, its first ${OVERSIZED_FRAME_SAMPLE_BYTES} bytes kept`,
  );
}
