import { SecurityRejectionError } from './security-rejection.error';

/** The signing key belongs to another entity than the claimed `from`: one service signing as another. */
export class SigningKeyEntityMismatchError extends SecurityRejectionError {
  readonly code = 'SM_SIGNING_KEY_ENTITY_MISMATCH' as const;
  readonly event = 'sm_sig_key_entity_mismatch' as const;
  readonly reason = 'unverified' as const;

  constructor(
    readonly from: string,
    readonly sigKid: string,
    readonly owner: string,
  ) {
    super(
      `A message claims to be from "${from}" but is signed with key "${sigKid}" of "${owner}": a service may only sign as itself; the message is refused`,
    );
  }
}
