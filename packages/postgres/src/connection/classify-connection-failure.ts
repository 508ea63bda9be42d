import { PostgresConnectionFailure } from '../errors/postgres-connection.error';

/**
 * Names a failed connect from the socket's error code or the server's SQLSTATE. Duck-typed:
 * `pg` rejects with plain Errors carrying `code`.
 */
export function classifyConnectionFailure(error: unknown): PostgresConnectionFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = String((error as { message?: unknown } | undefined)?.message ?? '');
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown-host';
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification: no pg_hba.conf entry, unknown role
      return 'auth';
    case '3D000': // invalid_catalog_name
      return 'unknown-database';
    case '57P03': // cannot_connect_now: starting up or shutting down
      return 'starting';
    case 'ETIMEDOUT':
      return 'timeout';
  }
  if (/timeout/i.test(message)) return 'timeout';
  return 'unreachable';
}

/** Failures that waiting cannot fix: startup gives up at once instead of retrying until the deadline. */
export function isPermanentFailure(failure: PostgresConnectionFailure): boolean {
  return failure === 'auth' || failure === 'unknown-database' || failure === 'unknown-host';
}
