import { SmartMessageError } from '../errors/smart-message.error';
import { stepFailure } from './step-failure';

/** A downcaster threw or returned no plain object: the publish is refused, nothing is sent. */
export class DowncastFailedError extends SmartMessageError {
  readonly code = 'SM_DOWNCAST_FAILED' as const;

  constructor(
    readonly messageClass: string,
    /** The version the downcaster writes (its key in `downcast`). */
    readonly toVersion: number,
    thrown?: unknown,
  ) {
    super(
      `${messageClass}: the downcaster to version ${toVersion} ${stepFailure(thrown)}`,
      thrown === undefined ? undefined : { cause: thrown },
    );
  }
}
