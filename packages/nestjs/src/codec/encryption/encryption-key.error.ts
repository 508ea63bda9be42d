import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * A keyring that cannot be used: a key that is not 32 bytes, a malformed key id, an id twice,
 * two primaries, or a keys file or variable that does not parse. Thrown when the stage is built,
 * so the application does not start; the message names the key id and the fix.
 */
export class EncryptionKeyError extends SmartMessageError {
  readonly code = 'SM_ENCRYPTION_KEY' as const;

  constructor(
    readonly source: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Encryption keys from ${source}: ${problem}`, options);
  }
}
