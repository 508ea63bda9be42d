import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A publish or subscribe reached a transport after it was closed (the bus shut down, or the
 * transport was closed by hand). Through the bus, `transportName` is the name the transport is
 * configured under in the module's `transports`, with the transport's own error as `cause`; called
 * directly, a transport names its `kind`.
 */
export class TransportClosedError extends SmartMessageError {
  readonly code = 'SM_TRANSPORT_CLOSED' as const;

  constructor(
    readonly transportName: string,
    options?: { cause?: unknown },
  ) {
    super(`Transport "${transportName}" is closed`, options);
  }
}
