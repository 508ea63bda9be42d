import { KeyStatus } from './key-status';

/** One key of a keyring, as a `KeyProvider` returns it. */
export interface KeyEntry {
  /**
   * Its id, written in clear into every payload it encrypts: 1–64 letters, digits, `.`, `_`, `:`
   * and `-`, e.g. `2026-12`. Never derived from the key bytes.
   */
  readonly kid: string;
  /** Exactly 32 random bytes (AES-256). */
  readonly key: Uint8Array;
  readonly status: KeyStatus;
}
