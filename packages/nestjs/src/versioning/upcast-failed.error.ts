import { SmartMessageError } from '../errors/smart-message.error';
import { stepFailure } from './step-failure';

/** An upcaster threw, or returned something other than a plain object: the message is `invalid`. */
export class UpcastFailedError extends SmartMessageError {
  readonly code = 'SM_UPCAST_FAILED' as const;

  constructor(
    readonly messageClass: string,
    /** The version the upcaster reads (its key in `upcast`). */
    readonly fromVersion: number,
    thrown?: unknown,
  ) {
    super(
      `${messageClass}: the upcaster from version ${fromVersion} to ${fromVersion + 1} ${stepFailure(thrown)}`,
      thrown === undefined ? undefined : { cause: thrown },
    );
  }
}
