import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * `publish` was asked to send as an entity the app did not declare (`security.identities`).
 * Nothing is sent. A guard against mistakes in this process, not a security boundary: receivers
 * prove the sender by its signature.
 */
export class IdentityNotDeclaredError extends SmartMessageError {
  readonly code = 'SM_IDENTITY_NOT_DECLARED' as const;

  constructor(
    readonly from: string,
    readonly identities: readonly string[],
  ) {
    super(
      `Cannot publish as "${from}": this app publishes as ${identities.map((name) => `"${name}"`).join(', ')} ` +
        '(module option security.identities); add a signing identity for it or publish with one of those',
    );
  }
}
