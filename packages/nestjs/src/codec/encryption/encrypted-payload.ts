import { DecryptionFailedError } from './decryption-failed.error';

/** The first byte of an `a256gcm` payload: its layout's version, so a later layout can sit beside this one. */
export const ENCRYPTED_PAYLOAD_VERSION = 1;
/** A fresh random nonce per message: 96 bits, GCM's native size. */
export const NONCE_BYTES = 12;
/** The full GCM tag; shorter ones are refused (Node 20 would accept 4 bytes without `authTagLength`). */
export const TAG_BYTES = 16;

/** The parts of an `a256gcm` payload. */
export interface EncryptedPayloadParts {
  readonly kid: string;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const KID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Writes `version(1) | kid length(1) | kid (UTF-8) | nonce(12) | ciphertext | tag(16)`.
 *
 * The key id travels in this prefix, not in a header field: the payload then describes itself,
 * and neither the header nor the frame codecs, the CloudEvents mapping or the Ruby interop change.
 * It is in clear but bound all the same, since the additional authenticated data ends with it.
 */
export function writeEncryptedPayload(parts: EncryptedPayloadParts): Uint8Array {
  const kid = utf8.encode(parts.kid);
  const out = new Uint8Array(2 + kid.length + NONCE_BYTES + parts.ciphertext.length + TAG_BYTES);
  out[0] = ENCRYPTED_PAYLOAD_VERSION;
  out[1] = kid.length;
  out.set(kid, 2);
  out.set(parts.nonce, 2 + kid.length);
  out.set(parts.ciphertext, 2 + kid.length + NONCE_BYTES);
  out.set(parts.tag, out.length - TAG_BYTES);
  return out;
}

/**
 * Splits a received payload, refusing with `DecryptionFailedError` a layout version it does not
 * know, a malformed key id, and anything too short to hold a nonce and a full tag. The tag is
 * always the last 16 bytes, so a truncated tag leaves a wrong one that fails authentication.
 */
export function readEncryptedPayload(payload: Uint8Array): EncryptedPayloadParts {
  if (payload.length < 2) throw new DecryptionFailedError(undefined, 'the payload is too short to be encrypted');
  if (payload[0] !== ENCRYPTED_PAYLOAD_VERSION)
    throw new DecryptionFailedError(undefined, `unknown encrypted payload version ${payload[0]}`);
  const kidLength = payload[1];
  const start = 2 + kidLength;
  if (kidLength === 0 || payload.length < start + NONCE_BYTES + TAG_BYTES)
    throw new DecryptionFailedError(undefined, 'the payload is too short to hold a key id, a nonce and a 16-byte tag');
  let kid: string;
  try {
    kid = strictUtf8.decode(payload.subarray(2, start));
  } catch {
    throw new DecryptionFailedError(undefined, 'the key id is not UTF-8');
  }
  if (!KID.test(kid)) throw new DecryptionFailedError(undefined, 'the key id is malformed');
  return {
    kid,
    nonce: payload.subarray(start, start + NONCE_BYTES),
    ciphertext: payload.subarray(start + NONCE_BYTES, payload.length - TAG_BYTES),
    tag: payload.subarray(payload.length - TAG_BYTES),
  };
}
