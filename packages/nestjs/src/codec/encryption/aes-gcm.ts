import { CipherKey, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionFailedError } from './decryption-failed.error';
import { NONCE_BYTES, TAG_BYTES } from './encrypted-payload';

const CIPHER = 'aes-256-gcm';

/** AES-256-GCM output: a fresh random 12-byte nonce, the ciphertext and the full 16-byte tag. */
export interface SealedBytes {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/** Encrypts under `key` with `aad` bound, a fresh random nonce each call. */
export function sealAesGcm(key: CipherKey, plaintext: Uint8Array, aad: Uint8Array): SealedBytes {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts and authenticates; a tag that does not match is `DecryptionFailedError` with
 * `mismatch` as its reason. `authTagLength` makes OpenSSL refuse a shorter tag, and the length is
 * checked here too: without both, Node 20 accepts a 4-byte tag.
 */
export function openAesGcm(
  key: CipherKey,
  sealed: SealedBytes,
  aad: Uint8Array,
  kid: string,
  mismatch: string,
): Uint8Array {
  if (sealed.tag.length !== TAG_BYTES)
    throw new DecryptionFailedError(kid, `the tag is ${sealed.tag.length} bytes, not 16`);
  const decipher = createDecipheriv(CIPHER, key, sealed.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch (error) {
    throw new DecryptionFailedError(kid, mismatch, { cause: error });
  }
}
