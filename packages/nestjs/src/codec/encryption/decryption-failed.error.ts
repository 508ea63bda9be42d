import { SmartMessageError } from '../../errors/smart-message.error';

/**
 * An encrypted payload that does not open: a malformed envelope (too short, unknown format
 * version, a bad key id), or an authentication tag that does not match, which is what any edited
 * byte of the nonce, ciphertext, tag or bound header fields, or a wrong key under the right id,
 * gives. GCM cannot tell these apart, on purpose. Reported as `undecodable`, acknowledged, never
 * retried; the message says nothing about the payload.
 */
export class DecryptionFailedError extends SmartMessageError {
  readonly code = 'SM_DECRYPTION_FAILED' as const;

  constructor(
    readonly kid: string | undefined,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Encrypted payload${kid === undefined ? '' : ` under key "${kid}"`} refused: ${problem}`, options);
  }
}
