import type { VerifiedSigner } from '../signing/signature-verifier';

/** What the security checks proved about a received message; `MessageContext.security` holds it. */
export interface MessageSecurity {
  /** The signature verified against the trust store: `from` is proven, and so is every signed header field. */
  readonly verified: boolean;
  /** Who signed it, when `verified`. */
  readonly signer?: VerifiedSigner;
  /** Its chain ran an encryption stage. */
  readonly encrypted: boolean;
}

export const UNVERIFIED: MessageSecurity = Object.freeze({ verified: false, encrypted: false });
export const UNVERIFIED_ENCRYPTED: MessageSecurity = Object.freeze({ verified: false, encrypted: true });
