import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Pool } from 'pg';
import { DeadLetterEntry, DeadLetterQueue, Message, MessageBus } from '@smart-message/nestjs';
import { PostgresDeadLetterStore, PostgresQueryError, PostgresTransport } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

@Message({ name: 'DeadLetteredJob', from: 'tests' })
class DeadLetteredJob {
  @IsInt() seq!: number;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
let schema: string;
const closing: Array<{ close(): Promise<void> }> = [];

function store(options: ConstructorParameters<typeof PostgresDeadLetterStore>[0] = {}): PostgresDeadLetterStore {
  const created = new PostgresDeadLetterStore({
    connectionString: TEST_DATABASE_URL,
    schema,
    logger: silent,
    ...options,
  });
  closing.push(created);
  return created;
}

function hostileEntry(id: string): DeadLetterEntry {
  return {
    id,
    reason: 'undecodable',
    envelope: {
      header: {
        uuid: 'not-a-uuid\u0000',
        messageClass: 'Evil\u0000Type\udc00',
        version: 1,
        publishedAt: 'whenever',
        publisherPid: -1,
        from: "'); DROP TABLE dead_letter_store; --",
        serializer: 'json',
      },
      payload: '{"a":"\u0000\ud800"}',
    },
    handlerId: 'Handler\u0000.on',
    transport: 'postgres',
    attempts: 1,
    lastAttempt: 1,
    firstFailedAt: 'not a time',
    lastFailedAt: 'not a time',
    error: { name: 'Error', message: '\u0000'.repeat(3) },
  };
}

beforeEach(() => {
  schema = randomSchema();
});

afterEach(async () => {
  for (const created of closing.splice(0).reverse()) await created.close();
  await dropSchema(schema);
});

describe('PostgresDeadLetterStore', () => {
  it('keeps an entry of hostile text exactly: NUL, lone surrogates, SQL in every field', async () => {
    const kept = store();
    const id = "x'; DELETE FROM dead_letter_store; --\u0000";
    await kept.upsert(hostileEntry(id));
    await kept.upsert({ ...hostileEntry('plain'), lastFailedAt: new Date(0).toISOString() });

    expect(await kept.get(id)).toEqual(hostileEntry(id));
    expect((await kept.list({ messageClass: 'Evil\u0000Type\udc00' })).total).toBe(2);
    expect((await kept.list({ handlerId: 'Handler\u0000.on', reason: 'undecodable' })).total).toBe(2);
    expect(await kept.remove(id)).toBe(true);
    expect((await kept.stats()).total).toBe(1);
  });

  it('keeps the bound exactly while two instances write at once, and counts every eviction once', async () => {
    const [first, second] = [store({ maxEntries: 5 }), store({ maxEntries: 5 })];
    const at = (index: number): string => new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
    const entry = (id: string, index: number): DeadLetterEntry => ({
      ...hostileEntry(id),
      firstFailedAt: at(index),
      lastFailedAt: at(index),
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        Promise.all([first.upsert(entry(`a${index}`, index)), second.upsert(entry(`b${index}`, index))]),
      ),
    );

    const stats = await first.stats();
    expect(stats).toMatchObject({ total: 5, evicted: 35 });
    const ids = (await second.list()).entries.map((kept) => kept.id);
    expect(ids).toHaveLength(5);
    // The newest survive: minute 19 of both writers, and three of minutes 17-18.
    expect(ids.slice(-2).sort()).toEqual(['a19', 'b19']);
  });

  it('runs on a pool of yours and leaves it open at close', async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      const shared = new PostgresDeadLetterStore({ pool, schema, logger: silent });
      await shared.upsert(hostileEntry('on-shared-pool'));
      await shared.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('with migrate: false, creates nothing and fails with PostgresQueryError naming the fix', async () => {
    const unmigrated = store({ migrate: false });
    const error = await unmigrated.get('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostgresQueryError);
    expect(error).toMatchObject({ code: 'SM_POSTGRES_QUERY_FAILED', sqlState: '42P01' });
    expect((error as Error).message).toMatch(/reading a dead letter \(PostgresDeadLetterStore.*postgresMigrationSql/);
    expect(await sql(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [schema])).toEqual([]);
  });

  it('is the dead letter queue of a bus on the PostgreSQL transport: a poison message is kept there with its reason', async () => {
    const deadLetters = store();
    const queue = new DeadLetterQueue(deadLetters);
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      schema,
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 10, maxMs: 20 },
      maxDeliveries: 2,
      logger: silent,
      maintenance: false,
    });
    const bus = new MessageBus({
      entity: 'workers',
      logger: silent,
      transports: { postgres: transport },
      onUndeliverable: (event) => queue.record(event),
    });
    try {
      await bus.subscribe(DeadLetteredJob, () => {
        throw new Error('always fails');
      });
      await bus.start();
      const header = await bus.publish(Object.assign(new DeadLetteredJob(), { seq: 1 }));
      await waitFor(async () => (await deadLetters.list({ reason: 'poison' })).total === 1, 'the poison entry', {
        timeoutMs: 10_000,
      });
      const [entry] = (await deadLetters.list()).entries;
      expect(entry).toMatchObject({ reason: 'poison', transport: 'postgres' });
      expect(entry!.envelope?.header.uuid).toBe(header.uuid);
    } finally {
      await bus.shutdown(1000);
    }
  });
});
