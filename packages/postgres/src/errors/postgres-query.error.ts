import { SmartMessageError } from '@smart-message/nestjs';

/** SQLSTATE classes and codes with a fix of their own; anything else gets the general advice. */
const FIXES: Record<string, string> = {
  '42P01':
    'the transport’s tables are missing: start it with `migrate: true` (the default), or apply `postgresMigrationSql(schema)`',
  '3F000':
    'the schema is missing: start the transport with `migrate: true` (the default), or apply `postgresMigrationSql(schema)`',
  '42501': 'the database user lacks a privilege: grant SELECT, INSERT, UPDATE and DELETE on the schema’s tables',
  '53300': 'the server has no connection slots left: lower `poolConfig.max` across instances, or raise max_connections',
  '25006': 'the server is a read-only standby: point the transport at the primary',
};
const GENERAL_FIX =
  'check that PostgreSQL is up and reachable: a server that is away or restarting is waited for up to `publishTimeoutMs`';

/**
 * A statement of the transport failed after start: the server refused it or the connection
 * dropped. Names what the transport was doing, the server's SQLSTATE when there is one, and a fix.
 */
export class PostgresQueryError extends SmartMessageError {
  readonly code = 'SM_POSTGRES_QUERY_FAILED' as const;
  /** The server's SQLSTATE (e.g. `42P01`), or the socket's error code, when known. */
  readonly sqlState?: string;

  constructor(
    /** What the transport was doing, e.g. `publishing OrderPlaced`. */
    readonly activity: string,
    options: { cause: unknown },
  ) {
    const cause = options.cause as { code?: unknown; message?: unknown } | undefined;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const detail = typeof cause?.message === 'string' ? cause.message : String(options.cause);
    super(
      `PostgreSQL failed while ${activity}${code ? ` (${code}: ${detail})` : ` (${detail})`}: ` +
        `${(code && FIXES[code]) ?? GENERAL_FIX}.`,
      options,
    );
    this.sqlState = code;
  }
}
