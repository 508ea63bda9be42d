import { SmartMessageError } from './smart-message.error';

/** A received message whose header version is not the version the handler's class declares. */
export class VersionMismatchError extends SmartMessageError {
  readonly code = 'SM_VERSION_MISMATCH' as const;

  constructor(
    readonly messageType: string,
    readonly expectedVersion: number,
    readonly receivedVersion: number,
  ) {
    super(`${messageType} expects version ${expectedVersion}, but header has version ${receivedVersion}`);
  }
}
