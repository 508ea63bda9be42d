import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL: trust auth, user postgres, database `test`. */
export const TEST_DATABASE_URL =
  process.env.SMART_MESSAGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test or run uses; tests drop it afterwards. */
export function randomSchema(): string {
  return `sm_test_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement on its own connection (for setup, inspection and hurting the transport). */
export async function sql<Row extends Record<string, unknown> = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
