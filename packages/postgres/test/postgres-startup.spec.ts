import { createServer } from 'node:net';
import { InvalidOptionError } from '@smart-message/nestjs';
import {
  DEFAULT_SCHEMA,
  POSTGRES_SCHEMA_VERSION,
  PostgresConnectionError,
  postgresMigrationSql,
  PostgresQueryError,
  PostgresTransport,
} from '@smart-message/postgres';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const schemas: string[] = [];

function newSchema(): string {
  const schema = randomSchema();
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  await Promise.all(schemas.map(dropSchema));
});

/** A port nothing listens on: bound by the OS, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PostgresTransport startup', () => {
  it('fails start on a closed port with a coded error naming host, port, cause and fix', async () => {
    const port = await freePort();
    const transport = new PostgresTransport({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      schema: newSchema(),
      connectTimeoutMs: 300,
      logger: silent,
    });
    const error = await transport.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostgresConnectionError);
    expect(error).toMatchObject({ code: 'SM_POSTGRES_CONNECTION_FAILED', failure: 'refused' });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).toMatch(/start PostgreSQL, or point `connectionString`/);
    await transport.close();
  });

  it('fails at once, without waiting for the deadline, when the database does not exist', async () => {
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL.replace(/\/test$/, '/sm_no_such_database'),
      schema: newSchema(),
      // Only a refusal that waiting cannot fix can end before this.
      connectTimeoutMs: 60_000,
      logger: silent,
    });
    const error = await transport.start().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SM_POSTGRES_CONNECTION_FAILED', failure: 'unknown-database' });
    expect((error as Error).message).toMatch(/createdb/);
    await transport.close();
  });

  it('refuses a schema name that would need quoting or be truncated', () => {
    for (const schema of ['Public', 'a-b', 'x; DROP TABLE y', 'pg_catalog', 'a'.repeat(51), ''])
      expect(() => new PostgresTransport({ schema })).toThrow(InvalidOptionError);
    expect(DEFAULT_SCHEMA).toBe('smartmessage');
  });

  it('migrates once when two instances start at the same moment on a fresh schema', async () => {
    const schema = newSchema();
    const transports = Array.from(
      { length: 3 },
      () => new PostgresTransport({ connectionString: TEST_DATABASE_URL, schema, logger: silent }),
    );
    await Promise.all(transports.map((transport) => transport.start()));
    const versions = await sql<{ version: number }>(`SELECT version FROM "${schema}".migrations ORDER BY version`);
    expect(versions.map((row) => row.version)).toEqual(everyVersion());
    const tables = await sql<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'dead_letter_store',
      'dead_letter_store_state',
      'dead_letters',
      'deduplication',
      'deliveries',
      'inbox',
      'messages',
      'migrations',
      'outbox',
      'outbox_dead_letters',
      'subscriptions',
    ]);
    // A restart finds nothing to do.
    const again = new PostgresTransport({ connectionString: TEST_DATABASE_URL, schema, logger: silent });
    await again.start();
    await Promise.all([...transports, again].map((transport) => transport.close()));
  });

  it('fails a publish with a coded error naming the message class and the fix when the tables are gone', async () => {
    const schema = newSchema();
    const transport = new PostgresTransport({ connectionString: TEST_DATABASE_URL, schema, logger: silent });
    await transport.start();
    await dropSchema(schema);
    const error = await transport
      .publish({
        header: {
          uuid: '00000000-0000-4000-8000-000000000000',
          messageClass: 'Orphaned',
          version: 1,
          publishedAt: new Date().toISOString(),
          publisherPid: process.pid,
          from: 'postgres-spec',
          serializer: 'json',
        },
        payload: '{}',
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostgresQueryError);
    expect(error).toMatchObject({ code: 'SM_POSTGRES_QUERY_FAILED', sqlState: '42P01' });
    expect((error as Error).message).toMatch(/while publishing Orphaned .*postgresMigrationSql/);
    await transport.close();
  });

  it('gives the schema as plain SQL that applies twice, for a migration tool of your own', async () => {
    const schema = newSchema();
    const text = postgresMigrationSql(schema);
    await sql(text);
    await sql(text);
    const versions = await sql<{ version: number }>(`SELECT version FROM "${schema}".migrations`);
    expect(versions.map((row) => row.version)).toEqual(everyVersion());
    // A transport that does not migrate works on it.
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      schema,
      migrate: false,
      logger: silent,
    });
    await transport.start();
    expect((await transport.health(2000)).up).toBe(true);
    await transport.close();
  });
});

/** Versions 1 to the newest: every migration applied once. */
function everyVersion(): number[] {
  return Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1);
}
