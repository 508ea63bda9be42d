import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';

/** X25519 public and private keys are 32 bytes raw (RFC 7748). */
export const X25519_KEY_BYTES = 32;

// node:crypto imports raw X25519 keys only wrapped in DER; these are the fixed prefixes of the
// SubjectPublicKeyInfo and PKCS#8 forms (OID 1.3.101.110), to which the 32 bytes are appended.
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** A `KeyObject` of 32 raw public key bytes; throws (node:crypto's error) on anything else. */
export function x25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** A `KeyObject` of 32 raw private key bytes. */
export function x25519PrivateKey(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** The 32 raw bytes of an X25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** The 32 raw bytes of an X25519 private key. */
export function rawPrivateKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
}
