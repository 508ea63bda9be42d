import { TransportClosedError } from './transport-closed.error';

/**
 * A transport knows only its kind ("redis-streams"), while a user configures it under a name
 * ("orders"): with two transports of one kind the kind does not say which one was closed. The bus
 * passes every transport error through here, so `TransportClosedError` names the configured
 * transport; the transport's own error stays as `cause`, and every other error passes unchanged.
 */
export function namedTransportError(error: unknown, transportName: string): unknown {
  if (!(error instanceof TransportClosedError) || error.transportName === transportName) return error;
  return new TransportClosedError(transportName, { cause: error });
}
