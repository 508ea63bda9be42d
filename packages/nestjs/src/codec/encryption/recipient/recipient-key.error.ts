import { SmartMessageError } from '../../../errors/smart-message.error';

/**
 * A message of an `x25519` class cannot be encrypted to its recipient: it has no `to` (a
 * broadcast has no one recipient to encrypt to), or no public key is known for its `to`. Thrown
 * by `publish` before anything is sent; the message names the fix.
 */
export class RecipientKeyError extends SmartMessageError {
  readonly code = 'SM_RECIPIENT_KEY' as const;

  constructor(
    readonly to: string | undefined,
    problem: string,
  ) {
    super(
      to === undefined
        ? `Cannot encrypt to a recipient: ${problem}`
        : `Cannot encrypt to recipient "${to}": ${problem}`,
    );
  }
}
