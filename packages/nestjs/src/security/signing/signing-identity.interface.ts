import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from './signature-algorithm';

/** An entity this app publishes as, with the private key it signs with. */
export interface SigningIdentity {
  /** The `from` it signs as. */
  readonly entity: string;
  /** The key id receivers look the public key up by, in their trust store. */
  readonly kid: string;
  /** Default `ed25519`. */
  readonly alg?: SignatureAlgorithm;
  /** `ed25519`: a private `KeyObject`, PEM, JWK or the raw 32-byte seed as base64; `hs256`: the shared secret. */
  readonly privateKey: KeyObject | string | Uint8Array | JsonWebKey;
}
