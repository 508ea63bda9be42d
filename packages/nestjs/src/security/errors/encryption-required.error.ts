import { SecurityRejectionError } from './security-rejection.error';

/** Encryption is required for the class or subscription and the message's chain has no encryption stage (a plaintext downgrade); refused before any byte is decoded. */
export class EncryptionRequiredError extends SecurityRejectionError {
  readonly code = 'SM_ENCRYPTION_REQUIRED' as const;
  readonly event = 'sm_policy_violation' as const;
  readonly reason = 'policy-violation' as const;

  constructor(
    readonly messageClass: string,
    readonly chain: string,
  ) {
    super(
      `${messageClass} arrived with the chain "${chain}", which encrypts nothing, and this receiver requires encrypted messages: give the class an encrypting serializer (e.g. "json+a256gcm") at the publisher`,
    );
  }
}
