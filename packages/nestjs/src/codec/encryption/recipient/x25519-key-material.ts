import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';

/** X25519 public and private keys are 32 bytes raw (RFC 7748). */
export const X25519_KEY_BYTES = 32;

// Node 20 has no raw key format. Public keys go through JWK, whose `x` is the raw key in base64url:
// on this VM a JWK import and export take about 12 and 5 µs, the DER (SPKI) ones 160 and 110 µs,
// and every message does one of each. Private keys load at startup only, through PKCS#8 DER
// (OID 1.3.101.110), to which the 32 bytes are appended.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** A `KeyObject` of 32 raw public key bytes; throws (node:crypto's error) on anything else. */
export function x25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** A `KeyObject` of 32 raw private key bytes. */
export function x25519PrivateKey(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** The 32 raw bytes of an X25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
}

/** The 32 raw bytes of an X25519 private key. */
export function rawPrivateKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
}
