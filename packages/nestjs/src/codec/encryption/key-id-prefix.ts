import { DecryptionFailedError } from './decryption-failed.error';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const KID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The self-describing prefix of an encrypted payload: `version(1) | kid length(1) | kid (UTF-8)`. */
export interface KeyIdPrefix {
  readonly kid: string;
  /** Where the bytes after the key id start. */
  readonly end: number;
}

/** Writes the prefix into a payload of `2 + kid bytes + rest` bytes; returns it and where the rest goes. */
export function writeKeyIdPrefix(version: number, kid: string, rest: number): { out: Uint8Array; end: number } {
  const bytes = utf8.encode(kid);
  const out = new Uint8Array(2 + bytes.length + rest);
  out[0] = version;
  out[1] = bytes.length;
  out.set(bytes, 2);
  return { out, end: 2 + bytes.length };
}

/**
 * Reads the prefix of a received payload, refusing with `DecryptionFailedError` another layout
 * version, a payload too short for the prefix and the `fixedAfter` bytes every payload of the
 * layout has after it (`parts` names them), and a key id that is not well formed.
 */
export function readKeyIdPrefix(
  payload: Uint8Array,
  version: number,
  layout: string,
  fixedAfter: number,
  parts: string,
): KeyIdPrefix {
  if (payload.length < 2) throw new DecryptionFailedError(undefined, 'the payload is too short to be encrypted');
  if (payload[0] !== version)
    throw new DecryptionFailedError(undefined, `unknown ${layout} payload version ${payload[0]}`);
  const kidLength = payload[1];
  const end = 2 + kidLength;
  if (kidLength === 0 || payload.length < end + fixedAfter)
    throw new DecryptionFailedError(undefined, `the payload is too short to hold a key id, ${parts}`);
  let kid: string;
  try {
    kid = strictUtf8.decode(payload.subarray(2, end));
  } catch {
    throw new DecryptionFailedError(undefined, 'the key id is not UTF-8');
  }
  if (!KID.test(kid)) throw new DecryptionFailedError(undefined, 'the key id is malformed');
  return { kid, end };
}
