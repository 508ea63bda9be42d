import { Client } from 'pg';
import { TEST_DATABASE_URL } from './test-database';

/**
 * Jest global setup of the PostgreSQL suites: they need a server on 127.0.0.1:5432 with trust
 * auth and a database `test`. `.ci/run` starts a throwaway cluster when none answers; run
 * `bash .ci/ensure-postgres` to do the same by hand.
 */
export default async function ensurePostgres(): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${TEST_DATABASE_URL} (${(error as Error).message}): ` +
        'run `bash .ci/ensure-postgres` to start a throwaway cluster (needs `apt-get install postgresql`).',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
