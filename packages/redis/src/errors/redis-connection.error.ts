import { SmartMessageError } from '@smart-message/nestjs';
import { connectionFailureMessage } from '@smart-message/nestjs/transport-kit';

/** Why a connection to Redis could not be opened. */
export type RedisConnectionFailure =
  'refused' | 'unknown-host' | 'auth' | 'unknown-database' | 'timeout' | 'unreachable';

const FIXES: Record<RedisConnectionFailure, string> = {
  refused: 'nothing listens there: start Redis, or point `url` at the host and port it listens on',
  'unknown-host': 'the host name does not resolve: check the host in `url`',
  auth: 'Redis refused the credentials: check the username and password in `url` (or `redisOptions`)',
  'unknown-database':
    'the server has fewer databases: use a database index below its `databases` setting (default 16) in `url`',
  timeout: 'Redis did not answer in time: check that host and port are reachable, or raise `connectTimeoutMs`',
  unreachable: 'check that the host and port in `url` are reachable from this machine',
};

/**
 * A Redis transport could not connect at startup within `connectTimeoutMs`: names where it
 * tried (host, port), the cause, what it was doing and the fix.
 */
export class RedisConnectionError extends SmartMessageError {
  readonly code = 'SM_REDIS_CONNECTION_FAILED' as const;

  constructor(
    readonly endpoint: { host: string; port: number | string },
    readonly failure: RedisConnectionFailure,
    /** What the library was doing, e.g. `connecting the publisher`. */
    readonly activity: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      connectionFailureMessage({
        broker: 'Redis',
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
