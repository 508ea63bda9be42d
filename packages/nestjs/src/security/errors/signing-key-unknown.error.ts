import { SecurityRejectionError } from './security-rejection.error';

/** The signature names a key the trust store does not hold for any entity. */
export class SigningKeyUnknownError extends SecurityRejectionError {
  readonly code = 'SM_SIGNING_KEY_UNKNOWN' as const;
  readonly event = 'sm_sig_unknown_key' as const;
  readonly reason = 'unverified' as const;

  constructor(
    readonly from: string,
    readonly sigKid: string,
  ) {
    super(
      `The signature of a message from "${from}" names key "${sigKid}", which the trust store does not hold: add the publisher's public key to the trust store (docs/security.md) before the publisher signs with it`,
    );
  }
}
