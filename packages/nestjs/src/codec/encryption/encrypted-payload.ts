import { readKeyIdPrefix, writeKeyIdPrefix } from './key-id-prefix';

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

/**
 * Writes `version(1) | kid length(1) | kid (UTF-8) | nonce(12) | ciphertext | tag(16)`.
 *
 * The key id travels in this prefix, not in a header field: the payload then describes itself,
 * and neither the header nor the frame codecs, the CloudEvents mapping or the Ruby interop change.
 * It is in clear but bound all the same, since the additional authenticated data ends with it.
 */
export function writeEncryptedPayload(parts: EncryptedPayloadParts): Uint8Array {
  const { out, end } = writeKeyIdPrefix(
    ENCRYPTED_PAYLOAD_VERSION,
    parts.kid,
    NONCE_BYTES + parts.ciphertext.length + TAG_BYTES,
  );
  out.set(parts.nonce, end);
  out.set(parts.ciphertext, end + NONCE_BYTES);
  out.set(parts.tag, out.length - TAG_BYTES);
  return out;
}

/**
 * Splits a received payload, refusing with `DecryptionFailedError` a layout version it does not
 * know, a malformed key id, and anything too short to hold a nonce and a full tag. The tag is
 * always the last 16 bytes, so a truncated tag leaves a wrong one that fails authentication.
 */
export function readEncryptedPayload(payload: Uint8Array): EncryptedPayloadParts {
  const { kid, end } = readKeyIdPrefix(
    payload,
    ENCRYPTED_PAYLOAD_VERSION,
    'encrypted',
    NONCE_BYTES + TAG_BYTES,
    'a nonce and a 16-byte tag',
  );
  return {
    kid,
    nonce: payload.subarray(end, end + NONCE_BYTES),
    ciphertext: payload.subarray(end + NONCE_BYTES, payload.length - TAG_BYTES),
    tag: payload.subarray(payload.length - TAG_BYTES),
  };
}
