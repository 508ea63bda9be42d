import { Client } from 'pg';

/** The server's version, or throws with a hint when nothing answers. */
export async function postgresVersion(postgresUrl: string): Promise<string> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${postgresUrl} (start it, or pass --postgres-url): ${String(error)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops every schema whose name starts with `prefix`: what the contenders of a run created. */
export async function dropSchemasUnder(postgresUrl: string, prefix: string): Promise<void> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix.toLowerCase()],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname.replace(/"/g, '')}" CASCADE`);
  } finally {
    await client.end();
  }
}
