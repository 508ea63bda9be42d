import { KeyObject, createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { SigningKeyError } from '../errors/signing-key.error';
import type { SignatureAlgorithm } from '../signing/signature-algorithm';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo: followed by the raw 32-byte key. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** DER prefix of an Ed25519 PKCS#8 private key: followed by the raw 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const HMAC_MIN_BYTES = 32;

type KeyInput = KeyObject | string | Uint8Array | JsonWebKey;

/** A key that verifies `alg` signatures, as a `KeyObject` (a cached object verifies twice as fast as PEM). */
export function verificationKey(input: KeyInput, alg: SignatureAlgorithm, where: string): KeyObject {
  return alg === 'hs256' ? hmacSecret(input, where) : ed25519Key(input, 'public', where);
}

/** A key that signs `alg` signatures. */
export function signingKey(input: KeyInput, alg: SignatureAlgorithm, where: string): KeyObject {
  return alg === 'hs256' ? hmacSecret(input, where) : ed25519Key(input, 'private', where);
}

function ed25519Key(input: KeyInput, kind: 'public' | 'private', where: string): KeyObject {
  let key: KeyObject;
  try {
    if (input instanceof KeyObject) key = input;
    else if (typeof input === 'string' && input.includes('-----BEGIN'))
      key = kind === 'public' ? createPublicKey(input) : createPrivateKey(input);
    else if (typeof input === 'string' || input instanceof Uint8Array) {
      const raw = typeof input === 'string' ? Buffer.from(input, 'base64') : Buffer.from(input);
      if (raw.length !== 32) throw new Error(`a raw Ed25519 ${kind} key is 32 bytes, not ${raw.length}`);
      key =
        kind === 'public'
          ? createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
          : createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
    } else
      key =
        kind === 'public'
          ? createPublicKey({ key: input, format: 'jwk' })
          : createPrivateKey({ key: input, format: 'jwk' });
  } catch (error) {
    throw new SigningKeyError(
      where,
      `the ${kind} key cannot be read (${(error as Error).message}): give PEM, a JWK or the raw 32 bytes as base64 (\`pnpm keys\` writes them)`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new SigningKeyError(
      where,
      `the key is ${key.asymmetricKeyType ?? key.type}, not Ed25519: generate one with crypto.generateKeyPairSync('ed25519')`,
    );
  // A private key given where a public one is expected still verifies; a public one cannot sign.
  if (kind === 'private' && key.type !== 'private')
    throw new SigningKeyError(where, 'a signing identity needs the private key, not the public one');
  return kind === 'public' && key.type === 'private' ? createPublicKey(key) : key;
}

function hmacSecret(input: KeyInput, where: string): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== 'secret')
      throw new SigningKeyError(where, 'an hs256 key is a shared secret, not an asymmetric key');
    if ((input.symmetricKeySize ?? 0) < HMAC_MIN_BYTES)
      throw new SigningKeyError(where, `an hs256 secret must be at least ${HMAC_MIN_BYTES} bytes`);
    return input;
  }
  const raw =
    typeof input === 'string'
      ? Buffer.from(input, 'base64')
      : input instanceof Uint8Array
        ? Buffer.from(input)
        : undefined;
  if (raw === undefined || raw.length < HMAC_MIN_BYTES)
    throw new SigningKeyError(
      where,
      `an hs256 secret must be at least ${HMAC_MIN_BYTES} random bytes (as bytes or base64)`,
    );
  return createSecretKey(raw);
}
