import { readKeyIdPrefix, writeKeyIdPrefix } from '../key-id-prefix';
import { NONCE_BYTES, TAG_BYTES } from '../encrypted-payload';
import { X25519_KEY_BYTES } from './x25519-key-material';

/** The first byte of an `x25519` payload: its layout's version. */
export const RECIPIENT_PAYLOAD_VERSION = 1;
/** An AES-KW (RFC 3394) wrapped 32-byte data key: the key and an 8-byte integrity block. */
export const WRAPPED_KEY_BYTES = 40;

/** The parts of an `x25519` payload. */
export interface RecipientPayloadParts {
  /** The recipient's key id. */
  readonly kid: string;
  /** The sender's ephemeral X25519 public key, raw. */
  readonly ephemeralKey: Uint8Array;
  /** The data key, wrapped with the key derived from the ephemeral key and the recipient's. */
  readonly wrappedKey: Uint8Array;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/** What follows the key id: everything but the ciphertext has a fixed length. */
const FIXED_AFTER_KID = X25519_KEY_BYTES + WRAPPED_KEY_BYTES + NONCE_BYTES + TAG_BYTES;

/**
 * Writes `version(1) | kid length(1) | kid | ephemeral key(32) | wrapped key(40) | nonce(12) |
 * ciphertext | tag(16)`. Like the `a256gcm` layout, the payload describes itself, so headers and
 * frame codecs stay as they are; the parts in clear are all bound by the additional authenticated data.
 */
export function writeRecipientPayload(parts: RecipientPayloadParts): Uint8Array {
  const { out, end } = writeKeyIdPrefix(
    RECIPIENT_PAYLOAD_VERSION,
    parts.kid,
    FIXED_AFTER_KID + parts.ciphertext.length,
  );
  let at = end;
  for (const part of [parts.ephemeralKey, parts.wrappedKey, parts.nonce, parts.ciphertext, parts.tag]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Splits a received payload; refuses with `DecryptionFailedError` an unknown layout version, a
 * malformed key id and anything too short for the fixed parts. Every part is a view of the
 * payload at a length fixed here, so nothing from the wire sizes an allocation.
 */
export function readRecipientPayload(payload: Uint8Array): RecipientPayloadParts {
  const { kid, end: start } = readKeyIdPrefix(
    payload,
    RECIPIENT_PAYLOAD_VERSION,
    'recipient',
    FIXED_AFTER_KID,
    'an ephemeral key, a wrapped key, a nonce and a 16-byte tag',
  );
  const wrappedAt = start + X25519_KEY_BYTES;
  const nonceAt = wrappedAt + WRAPPED_KEY_BYTES;
  return {
    kid,
    ephemeralKey: payload.subarray(start, wrappedAt),
    wrappedKey: payload.subarray(wrappedAt, nonceAt),
    nonce: payload.subarray(nonceAt, nonceAt + NONCE_BYTES),
    ciphertext: payload.subarray(nonceAt + NONCE_BYTES, payload.length - TAG_BYTES),
    tag: payload.subarray(payload.length - TAG_BYTES),
  };
}
