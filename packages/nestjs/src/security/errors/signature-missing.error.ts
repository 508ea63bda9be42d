import { SecurityRejectionError } from './security-rejection.error';

/** Signing is required for the class or subscription and the message carries no signature (a downgrade). */
export class SignatureMissingError extends SecurityRejectionError {
  readonly code = 'SM_SIGNATURE_MISSING' as const;
  readonly event = 'sm_sig_missing' as const;
  readonly reason = 'policy-violation' as const;

  constructor(
    readonly messageClass: string,
    readonly from: string,
  ) {
    super(
      `${messageClass} from "${from}" is not signed, and this receiver requires signed messages: sign it at the publisher (module option security.identities), or set security.receive.mode to "report" while publishers roll out`,
    );
  }
}
