import { SmartMessageError } from '../../../errors/smart-message.error';

/**
 * A received `x25519` payload is wrapped to a recipient key id this service holds no private key
 * for: it was encrypted to another service (which a subscriber without a `to` filter sees on a
 * shared broker), or to a key this service was not given yet. No other key is tried. Reported as
 * `undecodable`, acknowledged, never retried.
 */
export class RecipientKeyNotFoundError extends SmartMessageError {
  readonly code = 'SM_RECIPIENT_KEY_NOT_FOUND' as const;

  constructor(readonly kid: string) {
    super(
      `No private recipient key "${kid}": the payload is encrypted to another recipient, or to a key not yet ` +
        'shipped here; give this service its new private key (decrypt-only) before senders get the public key ' +
        '(docs/security.md, recipient keys)',
    );
  }
}
