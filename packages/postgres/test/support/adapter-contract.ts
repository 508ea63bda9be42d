import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import {
  PostgresInbox,
  PostgresOutbox,
  PostgresTransport,
  TransactionRequiredError,
  type SqlTransaction,
} from '@smart-message/postgres';
import { randomUUID } from 'node:crypto';
import { envelopeOf } from './envelopes';
import { waitFor } from '@smart-message/testing';
// Not public API: the transport and the outbox call these, and the cases drive the adapters
// through them exactly as a transactional publish does.
import { resolveTransaction } from '../../src/transaction/resolve-transaction';
import { runInTransaction } from '../../src/transaction/run-in-transaction';
import { dropSchema, sql, TEST_DATABASE_URL } from './test-database';

@Message({ name: 'AdapterOrderPlaced', from: 'tests' })
class OrderPlaced {
  @IsInt() id!: number;
}
const placed = (id: number): OrderPlaced => Object.assign(new OrderPlaced(), { id });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** What one ORM adapter's spec supplies to the shared cases. */
export interface AdapterHarness<Tx> {
  /** Creates the library's objects (after the schema and tables exist). */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Opens a real transaction of the library, runs `work` in it and commits; rolls back and rethrows when `work` throws. */
  transaction(work: (tx: Tx) => Promise<void>): Promise<void>;
  /** Writes one row of the user's own table (`orders`) through the library's own API. */
  writeOrder(tx: Tx, id: number): Promise<void>;
  /** The library's adapter, e.g. `fromKnex`. */
  adapt(tx: Tx): SqlTransaction;
  /** Objects that are not an open transaction (the root object, a manager outside one): each must be refused. */
  notTransactions(): Array<{ name: string; value: object }>;
}

/** `orders` is the user's table; `side` is written through the adapter, as the transport's insert would be. */
export async function createTables(schema: string): Promise<void> {
  await sql(`CREATE SCHEMA "${schema}"`);
  await sql(`CREATE TABLE "${schema}".orders (id integer PRIMARY KEY, note text NOT NULL)`);
  await sql(`CREATE TABLE "${schema}".side (id integer PRIMARY KEY, note text NOT NULL, payload jsonb)`);
}

/**
 * The cases every adapter must pass, against the real server: the user's row and the adapter's
 * statement commit together and roll back together, whether the caller wraps the transaction
 * object or passes it as it is; what is not an open transaction is refused and writes nothing.
 */
export function describeAdapterContract<Tx>(library: string, schema: string, harness: AdapterHarness<Tx>): void {
  const sentinel = new Error('the caller rolls back');
  let nextId = 1;

  const sideInsert = (transaction: SqlTransaction, id: number, note: string) =>
    insertSideRow(schema, transaction, id, note);
  const ids = (table: 'orders' | 'side', id: number) => notesOf(schema, table, id);

  beforeAll(async () => {
    await createTables(schema);
    await harness.open();
  });
  afterAll(async () => {
    await harness.close();
    await dropSchema(schema);
  });

  describe(`${library} adapter`, () => {
    it.each([
      ['wrapped with its adapter', (tx: Tx) => harness.adapt(tx)],
      ['passed as it is (resolveTransaction)', (tx: Tx) => resolveTransaction(tx as object)],
    ])('commits the user’s row and the adapter’s statement together (%s)', async (_how, wrap) => {
      const id = nextId++;
      let returned: unknown;
      await harness.transaction(async (tx) => {
        await harness.writeOrder(tx, id);
        returned = await sideInsert(wrap(tx), id, 'a');
        await harness.writeOrder(tx, id + 1000);
      });
      expect(returned).toEqual([{ id, has_k: true }]);
      expect(await ids('orders', id)).toHaveLength(1);
      expect(await ids('orders', id + 1000)).toHaveLength(1);
      expect(await ids('side', id)).toEqual(['a ?$1 a']);
    });

    it.each([
      ['wrapped with its adapter', (tx: Tx) => harness.adapt(tx)],
      ['passed as it is (resolveTransaction)', (tx: Tx) => resolveTransaction(tx as object)],
    ])('rolls both back when the caller’s transaction rolls back (%s)', async (_how, wrap) => {
      const id = nextId++;
      await expect(
        harness.transaction(async (tx) => {
          await harness.writeOrder(tx, id);
          await sideInsert(wrap(tx), id, 'b');
          throw sentinel;
        }),
      ).rejects.toBe(sentinel);
      expect(await ids('orders', id)).toEqual([]);
      expect(await ids('side', id)).toEqual([]);
    });

    it('keeps the caller’s transaction usable when the adapter’s statement fails (rolled back to its savepoint)', async () => {
      const id = nextId++;
      await harness.transaction(async (tx) => {
        await harness.writeOrder(tx, id);
        await sideInsert(harness.adapt(tx), id, 'c');
        await expect(sideInsert(harness.adapt(tx), id, 'duplicate')).rejects.toThrow(/duplicate key/);
        await harness.writeOrder(tx, id + 1000);
      });
      expect(await ids('orders', id)).toHaveLength(1);
      expect(await ids('orders', id + 1000)).toHaveLength(1);
      expect(await ids('side', id)).toEqual(['c ?$1 c']);
    });

    it('refuses what is not an open transaction, explicitly and through resolveTransaction, writing nothing', async () => {
      const cases = harness.notTransactions();
      expect(cases.length).toBeGreaterThan(0);
      for (const { name, value } of cases) {
        expect(() => harness.adapt(value as Tx)).toThrow(TransactionRequiredError);
        let error: unknown;
        try {
          await sideInsert(resolveTransaction(value), 9999, 'refused');
        } catch (caught) {
          error = caught;
        }
        expect({ name, error }).toEqual({ name, error: expect.any(TransactionRequiredError) });
        expect((error as TransactionRequiredError).message).toMatch(/To fix: pass the/);
      }
      expect(await ids('side', 9999)).toEqual([]);
    });
  });

  describe(`bus.publish(message, { transaction }) on a PostgresTransport, inside a ${library} transaction`, () => {
    let bus: MessageBus;
    const received: number[] = [];

    beforeAll(async () => {
      bus = new MessageBus({
        entity: 'workers',
        logger: silent,
        transports: {
          postgres: new PostgresTransport({
            connectionString: TEST_DATABASE_URL,
            schema,
            pollIntervalMs: 50,
            logger: silent,
          }),
        },
      });
      await bus.subscribe(OrderPlaced, (message) => void received.push(message.id));
      await bus.start();
    });
    afterAll(() => bus?.shutdown(1000));

    const messagesOf = async () =>
      (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".messages`))[0]!.n;

    it.each([
      ['passed as it is', (tx: Tx): object => tx as object],
      ['wrapped with its adapter', (tx: Tx): object => harness.adapt(tx)],
    ])('delivers the message once the transaction commits, with the user’s row (%s)', async (_how, wrap) => {
      const id = nextId++;
      await harness.transaction(async (tx) => {
        await harness.writeOrder(tx, id);
        await bus.publish(placed(id), { transaction: wrap(tx) });
        expect(received).not.toContain(id);
      });
      await waitFor(() => received.includes(id), `OrderPlaced ${id} after the commit`);
      expect(await ids('orders', id)).toHaveLength(1);
    });

    it.each([
      ['passed as it is', (tx: Tx): object => tx as object],
      ['wrapped with its adapter', (tx: Tx): object => harness.adapt(tx)],
    ])('delivers nothing and stores no message when the transaction rolls back (%s)', async (_how, wrap) => {
      const id = nextId++;
      const before = await messagesOf();
      await expect(
        harness.transaction(async (tx) => {
          await harness.writeOrder(tx, id);
          await bus.publish(placed(id), { transaction: wrap(tx) });
          throw sentinel;
        }),
      ).rejects.toBe(sentinel);
      expect(await messagesOf()).toBe(before);
      // A message published after it arrives; had the rolled-back one been stored, it would be due first.
      const marker = nextId++;
      await bus.publish(placed(marker));
      await waitFor(() => received.includes(marker), 'the marker published after the rollback');
      expect(received).not.toContain(id);
      expect(await ids('orders', id)).toEqual([]);
    });

    it.each([
      ['commits', true],
      ['rolls back', false],
    ])(
      'PostgresOutbox stores the message through the transaction, with the user’s row, when it %s',
      async (_name, commit) => {
        const id = nextId++;
        const envelope = envelopeOf('AdapterOutboxed', id);
        const outbox = new PostgresOutbox({ schema, relay: false, logger: silent });
        const work = harness.transaction(async (tx) => {
          await harness.writeOrder(tx, id);
          await outbox.store(envelope, 'redis', tx as object, {});
          if (!commit) throw sentinel;
        });
        if (commit) await work;
        else await expect(work).rejects.toBe(sentinel);
        const stored = await sql(`SELECT 1 FROM "${schema}".outbox WHERE uuid = $1`, [envelope.header.uuid]);
        expect(stored).toHaveLength(commit ? 1 : 0);
        expect(await ids('orders', id)).toHaveLength(commit ? 1 : 0);
      },
    );

    it('PostgresInbox runs the work once per message, and again after a rolled-back attempt', async () => {
      const inbox = new PostgresInbox({ schema });
      const message = { handlerId: 'Orders.onPlaced', header: { uuid: randomUUID() } };
      const attempt = (id: number, fail: boolean) =>
        harness.transaction(async (tx) => {
          const ran = await inbox.processInTransaction(tx as object, message, () => harness.writeOrder(tx, id));
          if (fail) throw sentinel;
          ranOf.push(ran);
        });
      const ranOf: boolean[] = [];
      const first = nextId++;
      await expect(attempt(first, true)).rejects.toBe(sentinel);
      const second = nextId++;
      await attempt(second, false);
      const third = nextId++;
      await attempt(third, false);
      expect(ranOf).toEqual([true, false]);
      expect(await ids('orders', first)).toEqual([]);
      expect(await ids('orders', second)).toHaveLength(1);
      expect(await ids('orders', third)).toEqual([]);
    });

    it('refuses the root object, publishing nothing', async () => {
      const before = await messagesOf();
      for (const { value } of harness.notTransactions())
        await expect(bus.publish(placed(9999), { transaction: value })).rejects.toBeInstanceOf(
          TransactionRequiredError,
        );
      expect(await messagesOf()).toBe(before);
    });
  });
}

/**
 * The adapter's statement, run as a transactional publish runs its insert: `$2` is used twice,
 * and `?` and `$1` appear inside a string literal and as the jsonb `?` operator, so a placeholder
 * rewrite that is not SQL-aware fails here.
 */
export function insertSideRow(schema: string, transaction: SqlTransaction, id: number, note: string) {
  return runInTransaction(
    transaction,
    `INSERT INTO "${schema}".side (id, note, payload) VALUES ($1, $2 || ' ?$1 ' || $2, $3::jsonb)
     RETURNING id, payload ? 'k' AS has_k`,
    [id, note, JSON.stringify({ k: 'v?' })],
  );
}

/** The notes of the rows with this id, read on a connection of its own (so only committed rows). */
export async function notesOf(schema: string, table: 'orders' | 'side', id: number): Promise<string[]> {
  const rows = await sql<{ note: string }>(`SELECT note FROM "${schema}".${table} WHERE id = $1`, [id]);
  return rows.map((row) => row.note);
}
