import { MessageHeader } from '../interfaces/message-header.interface';
import { UndeliverableReason } from '../interfaces/undeliverable.interface';
import { DeadLetterEntry, DeadLetterError } from './dead-letter-entry.interface';

/**
 * A dead letter as JSON text can hold it (a JSON Lines line, a Redis hash field). Binary payloads
 * and frames are base64 with an encoding flag, so they come back as bytes, not as text.
 */
export interface StoredDeadLetter {
  id: string;
  reason: UndeliverableReason;
  envelope?: { header: MessageHeader; payload: string; payloadEncoding?: 'base64' };
  frame?: string;
  frameEncoding?: 'base64';
  handlerId?: string;
  transport: string;
  attempts: number;
  lastAttempt: number;
  firstFailedAt: string;
  lastFailedAt: string;
  error: DeadLetterError;
}

export function toStoredDeadLetter(entry: DeadLetterEntry): StoredDeadLetter {
  const { envelope, frame, ...rest } = entry;
  return {
    ...rest,
    ...(envelope === undefined
      ? {}
      : {
          envelope:
            typeof envelope.payload === 'string'
              ? { header: { ...envelope.header }, payload: envelope.payload }
              : { header: { ...envelope.header }, payload: toBase64(envelope.payload), payloadEncoding: 'base64' },
        }),
    ...(frame === undefined
      ? {}
      : typeof frame === 'string'
        ? { frame }
        : { frame: toBase64(frame), frameEncoding: 'base64' as const }),
  };
}

export function fromStoredDeadLetter(stored: StoredDeadLetter): DeadLetterEntry {
  const { envelope, frame, frameEncoding, ...rest } = stored;
  return {
    ...rest,
    ...(envelope === undefined
      ? {}
      : {
          envelope: {
            header: envelope.header,
            payload: envelope.payloadEncoding === 'base64' ? fromBase64(envelope.payload) : envelope.payload,
          },
        }),
    ...(frame === undefined ? {} : { frame: frameEncoding === 'base64' ? fromBase64(frame) : frame }),
  };
}

/** One line of JSON text to an entry; `undefined` for anything that is not a stored dead letter. */
export function parseStoredDeadLetter(text: string): DeadLetterEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isStoredDeadLetter(value) ? fromStoredDeadLetter(value) : undefined;
}

export function isStoredDeadLetter(value: unknown): value is StoredDeadLetter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof StoredDeadLetter, unknown>>;
  return (
    typeof candidate.id === 'string' &&
    typeof candidate.reason === 'string' &&
    typeof candidate.transport === 'string' &&
    typeof candidate.attempts === 'number' &&
    typeof candidate.firstFailedAt === 'string' &&
    typeof candidate.lastFailedAt === 'string' &&
    typeof candidate.error === 'object' &&
    candidate.error !== null
  );
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  // A plain Uint8Array, not a Buffer: what a binary serializer produced.
  return Uint8Array.from(Buffer.from(text, 'base64'));
}
