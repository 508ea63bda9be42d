import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A message of a version newer than the handler's class, which reads newer versions only with
 * `onFutureVersion: 'tolerant'`. Dead-lettered as `future-version`: deploy the new class, then
 * replay it.
 */
export class FutureVersionError extends SmartMessageError {
  readonly code = 'SM_FUTURE_VERSION' as const;

  constructor(
    readonly messageClass: string,
    readonly knownVersion: number,
    readonly receivedVersion: number,
  ) {
    super(
      `${messageClass} version ${receivedVersion} is newer than version ${knownVersion}, the newest this service knows: ` +
        `deploy the new class and replay it, or set onFutureVersion: 'tolerant' to read what version ${knownVersion} declares`,
    );
  }
}
