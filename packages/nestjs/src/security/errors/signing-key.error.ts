import { SmartMessageError } from '../../errors/smart-message.error';

/** A signing identity or trust store entry that cannot be used: thrown at startup, naming the key and the fix. */
export class SigningKeyError extends SmartMessageError {
  readonly code = 'SM_SIGNING_KEY' as const;

  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}
