import { SmartMessageError } from '../errors/smart-message.error';

/** A received message whose header version is not the version the handler's class declares. */
export class VersionMismatchError extends SmartMessageError {
  readonly code = 'SM_VERSION_MISMATCH' as const;

  constructor(
    readonly messageClass: string,
    readonly expectedVersion: number,
    readonly receivedVersion: number,
  ) {
    super(`${messageClass} expects version ${expectedVersion}, but header has version ${receivedVersion}`);
  }

  /** @deprecated Since 0.2: the routing name is `messageClass` everywhere, as in the header. */
  get messageType(): string {
    return this.messageClass;
  }
}
