import { SecurityRejectionError } from './security-rejection.error';

/** The signature does not verify: the message was forged, or a signed header field or payload byte changed on the way. */
export class SignatureInvalidError extends SecurityRejectionError {
  readonly code = 'SM_SIGNATURE_INVALID' as const;
  readonly event = 'sm_sig_invalid' as const;
  readonly reason = 'unverified' as const;

  constructor(
    readonly from: string,
    readonly sigKid: string | undefined,
    detail: string,
  ) {
    super(
      `The signature of a message claiming from "${from}" does not verify (${detail}): it was forged or changed in transit; the message is refused`,
    );
  }
}
