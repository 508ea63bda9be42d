import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * No key of this id in the keyring: a received payload names a key the receiver was never given
 * (no trial decryption with other keys is made), or a publisher has no `primary` key. Received,
 * the message is reported as `undecodable`, acknowledged and never retried.
 */
export class KeyNotFoundError extends SmartMessageError {
  readonly code = 'SM_KEY_NOT_FOUND' as const;

  constructor(readonly kid: string | undefined) {
    super(
      kid === undefined
        ? 'The keyring has no primary key to encrypt with: mark one key "primary" (see docs/security.md, key rotation)'
        : `No encryption key "${kid}" in the keyring: ship the sender's key to this service as "decrypt-only" ` +
            'before any sender uses it (docs/security.md, key rotation)',
    );
  }
}
