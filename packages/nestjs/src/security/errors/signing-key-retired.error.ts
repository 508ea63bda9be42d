import { SecurityRejectionError } from './security-rejection.error';

/** The signing key is retired, or outside its validity window, in the trust store. */
export class SigningKeyRetiredError extends SecurityRejectionError {
  readonly code = 'SM_SIGNING_KEY_RETIRED' as const;
  readonly event = 'sm_key_retired_used' as const;
  readonly reason = 'unverified' as const;

  constructor(
    readonly from: string,
    readonly sigKid: string,
    detail: string,
  ) {
    super(
      `The signature of a message from "${from}" uses key "${sigKid}", which ${detail}: the publisher must sign with its current key (docs/security.md, key rotation)`,
    );
  }
}
