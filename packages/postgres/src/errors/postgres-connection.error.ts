import { SmartMessageError } from '@smart-message/nestjs';
import { connectionFailureMessage } from '@smart-message/nestjs/transport-kit';

/** Why a connection to PostgreSQL could not be opened. */
export type PostgresConnectionFailure =
  'refused' | 'unknown-host' | 'auth' | 'unknown-database' | 'timeout' | 'starting' | 'unreachable';

const FIXES: Record<PostgresConnectionFailure, string> = {
  refused:
    'nothing listens there: start PostgreSQL, or point `connectionString` (or `poolConfig.host`/`port`) at the host and port it listens on',
  'unknown-host': 'the host name does not resolve: check the host in `connectionString` (or `poolConfig.host`)',
  auth: 'PostgreSQL refused the credentials: check the user and password in `connectionString` (or `poolConfig`) and the server’s pg_hba.conf',
  'unknown-database':
    'the database does not exist: create it (createdb <name>) or name an existing one in `connectionString` (or `poolConfig.database`)',
  timeout:
    'PostgreSQL did not answer in time: check that host and port are reachable from this machine, or raise `connectTimeoutMs`',
  starting: 'the server is starting up or shutting down: wait for it, or raise `connectTimeoutMs`',
  unreachable: 'check that the host and port are reachable from this machine and that the server accepts connections',
};

/**
 * The PostgreSQL transport could not connect at startup within `connectTimeoutMs`: names where
 * it tried (host, port), the cause, what it was doing and the fix.
 */
export class PostgresConnectionError extends SmartMessageError {
  readonly code = 'SM_POSTGRES_CONNECTION_FAILED' as const;

  constructor(
    readonly endpoint: { host: string; port: number },
    readonly failure: PostgresConnectionFailure,
    /** What the transport was doing, e.g. `connecting the pool`. */
    readonly activity: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      connectionFailureMessage({
        broker: 'PostgreSQL',
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
