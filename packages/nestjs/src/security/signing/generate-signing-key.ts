import { generateKeyPairSync } from 'node:crypto';
import type { TrustedKeyEntry } from '../trust/trusted-key.interface';
import type { SigningIdentity } from './signing-identity.interface';

/**
 * A new Ed25519 key pair for an entity: the identity its publisher signs with (keep the private
 * key secret) and the entry every receiver adds to its trust store. Both as PEM text, ready for
 * JSON files.
 */
export function generateSigningKey(
  entity: string,
  kid: string,
): { identity: SigningIdentity & { privateKey: string }; trusted: TrustedKeyEntry & { key: string } } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    identity: {
      entity,
      kid,
      alg: 'ed25519',
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
    trusted: {
      entity,
      kid,
      alg: 'ed25519',
      key: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      status: 'active',
    },
  };
}
