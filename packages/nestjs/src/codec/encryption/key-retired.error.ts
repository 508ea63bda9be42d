import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * A received payload was encrypted under a key this service has retired. Refused, like an
 * unknown key, but named apart: it means a sender still uses the old key, or an old frame was
 * replayed. Reported as `undecodable`, acknowledged, never retried.
 */
export class KeyRetiredError extends SmartMessageError {
  readonly code = 'SM_KEY_RETIRED' as const;

  constructor(readonly kid: string) {
    super(
      `Encryption key "${kid}" is retired and refused: if senders still use it, mark it "decrypt-only" again ` +
        'until every sender has moved to the new primary',
    );
  }
}
