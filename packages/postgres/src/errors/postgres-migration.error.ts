import { SmartMessageError } from '@smart-message/nestjs';

/** Applying the transport's schema migrations failed; the transaction was rolled back, nothing half-applied. */
export class PostgresMigrationError extends SmartMessageError {
  readonly code = 'SM_POSTGRES_MIGRATION_FAILED' as const;

  constructor(
    readonly schema: string,
    readonly version: number,
    options?: { cause?: unknown },
  ) {
    const detail = (options?.cause as { message?: unknown } | undefined)?.message;
    super(
      `Could not migrate the SmartMessage schema "${schema}" to version ${version}` +
        `${typeof detail === 'string' ? ` (${detail})` : ''}: the user needs CREATE on the database (for the schema) ` +
        'and on the schema; or apply `postgresMigrationSql(schema)` with your own migration tool and pass `migrate: false`.',
      options,
    );
  }
}
