import { DecryptionFailedError } from '../decryption-failed.error';
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

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const KID = /^[A-Za-z0-9._:-]{1,64}$/;
/** What follows the key id: everything but the ciphertext has a fixed length. */
const FIXED_AFTER_KID = X25519_KEY_BYTES + WRAPPED_KEY_BYTES + NONCE_BYTES + TAG_BYTES;

/**
 * Writes `version(1) | kid length(1) | kid | ephemeral key(32) | wrapped key(40) | nonce(12) |
 * ciphertext | tag(16)`. Like the `a256gcm` layout, the payload describes itself, so headers and
 * frame codecs stay as they are; the parts in clear are all bound by the additional authenticated data.
 */
export function writeRecipientPayload(parts: RecipientPayloadParts): Uint8Array {
  const kid = utf8.encode(parts.kid);
  const out = new Uint8Array(2 + kid.length + FIXED_AFTER_KID + parts.ciphertext.length);
  let at = 0;
  out[at++] = RECIPIENT_PAYLOAD_VERSION;
  out[at++] = kid.length;
  for (const part of [kid, parts.ephemeralKey, parts.wrappedKey, parts.nonce, parts.ciphertext, parts.tag]) {
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
  if (payload.length < 2) throw new DecryptionFailedError(undefined, 'the payload is too short to be encrypted');
  if (payload[0] !== RECIPIENT_PAYLOAD_VERSION)
    throw new DecryptionFailedError(undefined, `unknown recipient payload version ${payload[0]}`);
  const kidLength = payload[1];
  const start = 2 + kidLength;
  if (kidLength === 0 || payload.length < start + FIXED_AFTER_KID)
    throw new DecryptionFailedError(
      undefined,
      'the payload is too short to hold a key id, an ephemeral key, a wrapped key, a nonce and a 16-byte tag',
    );
  let kid: string;
  try {
    kid = strictUtf8.decode(payload.subarray(2, start));
  } catch {
    throw new DecryptionFailedError(undefined, 'the key id is not UTF-8');
  }
  if (!KID.test(kid)) throw new DecryptionFailedError(undefined, 'the key id is malformed');
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
