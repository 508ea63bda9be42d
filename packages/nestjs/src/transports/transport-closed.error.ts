import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A publish or subscribe reached a transport after it was closed (the bus shut down, or the
 * transport was closed by hand). `transportName` is the name the transport is configured under in
 * the module's `transports`, when the bus knows it, and its `kind` otherwise.
 */
export class TransportClosedError extends SmartMessageError {
  readonly code = 'SM_TRANSPORT_CLOSED' as const;

  constructor(readonly transportName: string) {
    super(`Transport "${transportName}" is closed`);
  }
}
