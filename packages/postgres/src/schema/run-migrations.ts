import type { Pool } from 'pg';
import { PostgresMigrationError } from '../errors/postgres-migration.error';
import { migrationsTableSql, POSTGRES_MIGRATIONS, recordMigrationSql } from './migrations';

/** First key of the two-key advisory lock every SmartMessage migration run takes; the second is the schema's hash. */
const MIGRATION_LOCK_CLASS = 0x534d_4d47; // "SMMG"

/**
 * Applies the migrations `<schema>.migrations` does not list yet, in one transaction. The
 * transaction-scoped advisory lock is taken first, before CREATE SCHEMA: two instances starting
 * together would otherwise both try to create it and one would fail. A transaction-scoped lock
 * (not a session one) is released by COMMIT or ROLLBACK on the same backend, so it cannot leak
 * through PgBouncer's transaction pooling the way a session lock does.
 */
export async function runMigrations(pool: Pool, schema: { name: string; sql: string }): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  let version = 0;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [MIGRATION_LOCK_CLASS, schema.name]);
    await client.query(migrationsTableSql(schema.sql));
    const done = await client.query<{ version: number }>(`SELECT version FROM ${schema.sql}.migrations`);
    const have = new Set(done.rows.map((row) => row.version));
    for (const migration of POSTGRES_MIGRATIONS) {
      if (have.has(migration.version)) continue;
      version = migration.version;
      await client.query(migration.sql(schema.sql) + recordMigrationSql(schema.sql, migration));
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new PostgresMigrationError(schema.name, version, { cause: error });
  } finally {
    client.release();
  }
}
