import type { KeyStatus } from '../key-status';

/** The public key of an entity this service encrypts to: senders wrap each message's data key to it. */
export interface RecipientPublicKeyEntry {
  /** The entity a message's `to` names, e.g. `billing`. */
  readonly entity: string;
  /** Its id, written in clear into every payload wrapped to it; the same rules as `KeyEntry.kid`. */
  readonly kid: string;
  /** The 32-byte raw X25519 public key. */
  readonly publicKey: Uint8Array;
}

/** One of this service's own X25519 private keys, which open payloads wrapped to its public key. */
export interface RecipientPrivateKeyEntry {
  /** The entity it receives for: a payload wrapped to it must be addressed (`to`) to this entity. */
  readonly entity: string;
  readonly kid: string;
  /** The 32-byte raw X25519 private key. Keep it on this service only. */
  readonly privateKey: Uint8Array;
  /**
   * `primary`: its public key is the one senders have (at most one per entity); `decrypt-only`:
   * a new key not published yet, or an old one messages in flight may still be wrapped to;
   * `retired`: refused by name (`KeyRetiredError`).
   */
  readonly status: KeyStatus;
}

/** What the `x25519` stage holds: the public keys it sends to and the private keys it receives with. */
export interface RecipientKeySet {
  /** One public key per entity this service sends `x25519` messages to. */
  readonly recipients?: readonly RecipientPublicKeyEntry[];
  /** This service's own private keys; a send-only service has none. */
  readonly privateKeys?: readonly RecipientPrivateKeyEntry[];
}
