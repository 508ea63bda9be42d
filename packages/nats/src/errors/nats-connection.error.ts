import { SmartMessageError } from '@smart-message/nestjs';
import { connectionFailureMessage } from '@smart-message/nestjs/transport-kit';

/** Why a connection to NATS could not be opened. */
export type NatsConnectionFailure = 'refused' | 'unknown-host' | 'auth' | 'timeout' | 'no-jetstream' | 'unreachable';

const FIXES: Record<NatsConnectionFailure, string> = {
  refused: 'nothing listens there: start nats-server, or point `url` at the host and port it listens on',
  'unknown-host': 'the host name does not resolve: check the host in `url`',
  auth: 'the server refused the credentials: check the user and password (or token) in `url`',
  timeout:
    'NATS did not answer in time: check that host and port are reachable from this machine, or raise `connectTimeoutMs`',
  'no-jetstream':
    'the server runs without JetStream: start it with `-js` (and a store directory, `-sd`), or use NatsTransport for at-most-once broadcast',
  unreachable:
    'check that the host and port are reachable from this machine and that a NATS server accepts clients there',
};

/**
 * A NATS transport could not connect at startup within `connectTimeoutMs`: names where it
 * tried (host, port), the cause, what it was doing and the fix.
 */
export class NatsConnectionError extends SmartMessageError {
  readonly code = 'SM_NATS_CONNECTION_FAILED' as const;

  constructor(
    readonly endpoint: { host: string; port: number },
    readonly failure: NatsConnectionFailure,
    /** What the transport was doing, e.g. `connecting`. */
    readonly activity: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      connectionFailureMessage({
        broker: 'NATS',
        endpoint,
        activity,
        failure,
        fix: FIXES[failure],
        timeoutMs,
        cause: options?.cause,
      }),
      options,
    );
  }
}
