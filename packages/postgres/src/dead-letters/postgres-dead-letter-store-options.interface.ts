import type { Pool, PoolConfig } from 'pg';
import type { DeadLetterBoundsOptions } from '@smart-message/nestjs';

/**
 * Where PostgreSQL is (`connectionString`, `poolConfig`, or a `pool` of yours), the schema, and
 * the store's bounds: `maxEntries` (default 10,000), `maxBytes` (default 64 MiB) and the
 * `logger` of evictions.
 */
export interface PostgresDeadLetterStoreOptions extends DeadLetterBoundsOptions {
  /** `postgres://user:password@host:5432/database`. */
  connectionString?: string;
  /** Settings of the small `pg` Pool the store opens (and closes) when no `pool` is given. */
  poolConfig?: PoolConfig;
  /** A pool of your own to run the store's statements on; the store never ends it. */
  pool?: Pool;
  /**
   * Schema of the store's table `dead_letter_store` (and its one-row `dead_letter_store_state`).
   * Default `smartmessage`, the transport's: give the transport's `schema` to keep both together.
   */
  schema?: string;
  /**
   * Create or upgrade the schema on first use, under the same advisory lock as the transport's
   * migrations. Default true; with `false`, apply `postgresMigrationSql(schema)` yourself.
   */
  migrate?: boolean;
}
