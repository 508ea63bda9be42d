import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from '../signing/signature-algorithm';

/** Whether a trust store key may verify: `retired` keys are refused and audited (`sm_key_retired_used`). */
export type TrustedKeyStatus = 'active' | 'retired';

/**
 * One public key (or, for `hs256`, shared secret) the trust store holds for an entity. Key ids
 * are unique across the store, so a signature by one entity's key cannot pass for another's.
 */
export interface TrustedKeyEntry {
  /** The entity (the `from`) this key may sign as. */
  readonly entity: string;
  readonly kid: string;
  /** Decides how signatures are checked, whatever the message claims (default `ed25519`). */
  readonly alg?: SignatureAlgorithm;
  /**
   * `ed25519`: a public `KeyObject`, PEM text, a JWK (`kty: OKP`, `crv: Ed25519`) or the raw
   * 32-byte key as base64. `hs256`: the shared secret (at least 32 bytes) as bytes or base64.
   */
  readonly key: KeyObject | string | Uint8Array | JsonWebKey;
  /** Default `active`. */
  readonly status?: TrustedKeyStatus;
  /** ISO 8601: signatures by the key are refused before this time. */
  readonly notBefore?: string;
  /** ISO 8601: and after this one. */
  readonly notAfter?: string;
}

/** Where a trust store's keys come from; `load` runs at startup and on every `reload()`. */
export interface TrustProvider {
  /** Named in errors, e.g. the file path. */
  readonly source: string;
  load(): readonly TrustedKeyEntry[] | Promise<readonly TrustedKeyEntry[]>;
}
