/**
 * Edits a CloudEvents frame as an attacker with write access to the broker would: the attribute
 * part is parsed and rewritten, the data member is kept byte for byte unless an edit replaces it.
 * Re-serializing `data` would itself break every signature, and then each case would prove
 * nothing about the field it meant to change.
 */
export interface FrameParts {
  /** The attributes before the data member, in the order the writer put them. */
  attributes: Record<string, unknown>;
  /** The payload as it travels: bytes for `data_base64`, the exact JSON text for `data`. */
  data: { kind: 'base64'; bytes: Buffer } | { kind: 'json'; text: string };
}

const BASE64_KEY = ',"data_base64":';
const JSON_KEY = ',"data":';

export function splitFrame(frame: string): FrameParts {
  const base64At = frame.lastIndexOf(BASE64_KEY);
  if (base64At > 0) {
    const attributes = JSON.parse(`${frame.slice(0, base64At)}}`) as Record<string, unknown>;
    const encoded = JSON.parse(frame.slice(base64At + BASE64_KEY.length, -1)) as string;
    return { attributes, data: { kind: 'base64', bytes: Buffer.from(encoded, 'base64') } };
  }
  const jsonAt = frame.indexOf(JSON_KEY);
  if (jsonAt < 0) throw new Error(`not a frame with data: ${frame.slice(0, 80)}`);
  const attributes = JSON.parse(`${frame.slice(0, jsonAt)}}`) as Record<string, unknown>;
  return { attributes, data: { kind: 'json', text: frame.slice(jsonAt + JSON_KEY.length, -1) } };
}

/** Writes the parts back; `smdatalength` follows the JSON text, so the reader's fast path still applies. */
export function joinFrame({ attributes, data }: FrameParts): string {
  const head = { ...attributes };
  delete head.smdatalength;
  if (data.kind === 'base64')
    return `${JSON.stringify(head).slice(0, -1)},"data_base64":"${data.bytes.toString('base64')}"}`;
  head.smdatalength = data.text.length;
  return `${JSON.stringify(head).slice(0, -1)}${JSON_KEY}${data.text}}`;
}

/** A frame edit of one matrix case: changes the parts in place. */
export type FrameEdit = (parts: FrameParts) => void;

export function editFrame(frame: string, edit: FrameEdit): string {
  const parts = splitFrame(frame);
  edit(parts);
  return joinFrame(parts);
}

/** The bytes of an `a256gcm` payload: `version | kid length | kid | nonce(12) | ciphertext | tag(16)`. */
export function encryptedLayout(bytes: Buffer): { nonceAt: number; ciphertextAt: number; tagAt: number } {
  const nonceAt = 2 + bytes[1]!;
  return { nonceAt, ciphertextAt: nonceAt + 12, tagAt: bytes.length - 16 };
}

/** The payload bytes of a frame known to carry `data_base64`. */
export function bytesOf(parts: FrameParts): Buffer {
  if (parts.data.kind !== 'base64') throw new Error('the frame carries JSON data, not bytes');
  return parts.data.bytes;
}

/** Flips the low bit of one byte of the payload. */
export function flipByte(parts: FrameParts, at: (bytes: Buffer) => number): void {
  const bytes = bytesOf(parts);
  bytes[at(bytes)]! ^= 0x01;
}
