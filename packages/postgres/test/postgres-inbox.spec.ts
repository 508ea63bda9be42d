import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  InboxMessage,
  PostgresDeduplicationStore,
  PostgresInbox,
  postgresMigrationSql,
  TransactionRequiredError,
} from '@smart-message/postgres';
import { describeDeduplicationStoreContract, waitFor } from '@smart-message/testing';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const schema = randomSchema();

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** What a handler's MessageContext gives the inbox. */
const messageOf = (uuid: string, handlerId = 'Billing.onOrderPlaced'): InboxMessage => ({
  handlerId,
  header: { uuid },
});

beforeAll(async () => {
  await sql(postgresMigrationSql(schema));
  await sql(`CREATE TABLE "${schema}".invoices (order_id text PRIMARY KEY)`);
});

afterAll(async () => {
  await dropSchema(schema);
});

describe('PostgresInbox.processInTransaction', () => {
  const inbox = new PostgresInbox({ schema });
  const clients: Client[] = [];

  const begin = async (): Promise<Client> => {
    const client = await connect();
    clients.push(client);
    await client.query('BEGIN');
    return client;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end()));
  });

  /** Whether the backend of `client` is waiting for a lock (the second delivery blocked on the first's row). */
  const waitsForLock = async (client: Client): Promise<boolean> => {
    const pid = (client as unknown as { processID: number }).processID;
    const rows = await sql<{ waiting: boolean }>(
      "SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1",
      [pid],
    );
    return rows[0]?.waiting === true;
  };

  it('runs the work once per consumer and uuid, committing its effects with the record', async () => {
    const uuid = randomUUID();
    const orderId = `order-${uuid}`;
    const invoice = (client: Client) => async () => {
      await client.query(`INSERT INTO "${schema}".invoices (order_id) VALUES ($1)`, [orderId]);
    };
    const first = await begin();
    expect(await inbox.processInTransaction(first, messageOf(uuid), invoice(first))).toBe(true);
    await first.query('COMMIT');
    const redelivery = await begin();
    expect(await inbox.processInTransaction(redelivery, messageOf(uuid), invoice(redelivery))).toBe(false);
    await redelivery.query('COMMIT');

    expect(await sql(`SELECT order_id FROM "${schema}".invoices WHERE order_id = $1`, [orderId])).toHaveLength(1);
    // Another handler of the same message has its own record.
    const audit = await begin();
    expect(await inbox.processInTransaction(audit, messageOf(uuid, 'Audit.onOrderPlaced'), () => undefined)).toBe(true);
    await audit.query('COMMIT');
    expect(
      await sql(`SELECT consumer FROM "${schema}".inbox WHERE message_uuid = $1 ORDER BY consumer`, [uuid]),
    ).toEqual([{ consumer: 'Audit.onOrderPlaced' }, { consumer: 'Billing.onOrderPlaced' }]);
  });

  it('forgets a message whose transaction rolled back, so the redelivery runs it', async () => {
    const uuid = randomUUID();
    const failed = await begin();
    await expect(
      inbox.processInTransaction(failed, messageOf(uuid), () => Promise.reject(new Error('handler failed'))),
    ).rejects.toThrow('handler failed');
    await failed.query('ROLLBACK');
    const again = await begin();
    expect(await inbox.processInTransaction(again, messageOf(uuid), () => undefined)).toBe(true);
    await again.query('COMMIT');
  });

  it('processes a uuid once when two deliveries race on two connections: the second waits, then skips', async () => {
    const uuid = randomUUID();
    const ran: string[] = [];
    const one = await begin();
    const two = await begin();
    expect(await inbox.processInTransaction(one, messageOf(uuid), () => void ran.push('one'))).toBe(true);
    const second = inbox.processInTransaction(two, messageOf(uuid), () => void ran.push('two'));
    await waitFor(() => waitsForLock(two), 'the second delivery to wait for the first one’s row');
    expect(ran).toEqual(['one']);
    await one.query('COMMIT');
    expect(await second).toBe(false);
    await two.query('COMMIT');
    expect(ran).toEqual(['one']);
  });

  it('runs the second of two racing deliveries when the first rolls back', async () => {
    const uuid = randomUUID();
    const ran: string[] = [];
    const one = await begin();
    const two = await begin();
    expect(await inbox.processInTransaction(one, messageOf(uuid), () => void ran.push('one'))).toBe(true);
    const second = inbox.processInTransaction(two, messageOf(uuid), () => void ran.push('two'));
    await waitFor(() => waitsForLock(two), 'the second delivery to wait for the first one’s row');
    await one.query('ROLLBACK');
    expect(await second).toBe(true);
    await two.query('COMMIT');
    expect(ran).toEqual(['one', 'two']);
    expect(await sql(`SELECT 1 FROM "${schema}".inbox WHERE message_uuid = $1`, [uuid])).toHaveLength(1);
  });

  it('takes a consumer name instead of the handler id', async () => {
    const uuid = randomUUID();
    const client = await begin();
    await inbox.processInTransaction(client, messageOf(uuid), () => undefined, { consumer: 'billing-v2' });
    await client.query('COMMIT');
    expect(await sql(`SELECT consumer FROM "${schema}".inbox WHERE message_uuid = $1`, [uuid])).toEqual([
      { consumer: 'billing-v2' },
    ]);
  });

  it('refuses a connection with no transaction open, running nothing', async () => {
    const client = await connect();
    clients.push(client);
    let ran = false;
    await expect(
      inbox.processInTransaction(client, messageOf(randomUUID()), () => void (ran = true)),
    ).rejects.toBeInstanceOf(TransactionRequiredError);
    expect(ran).toBe(false);
  });
});

describeDeduplicationStoreContract('PostgresDeduplicationStore', {
  createStore: () => new PostgresDeduplicationStore({ connectionString: TEST_DATABASE_URL, schema }),
});

describe('PostgresDeduplicationStore', () => {
  it('lets a redelivery take over the mark of a holder that died, once its lease ended', async () => {
    const doomed = new PostgresDeduplicationStore({ connectionString: TEST_DATABASE_URL, schema, leaseMs: 200 });
    const survivor = new PostgresDeduplicationStore({ connectionString: TEST_DATABASE_URL, schema, leaseMs: 200 });
    const request = { handlerId: `Lease.handle-${randomUUID()}`, uuid: randomUUID() };
    try {
      expect((await doomed.begin(request)).status).toBe('new');
      // The holder dies: it stops renewing.
      await doomed.close();
      expect((await survivor.begin(request)).status).toBe('in-progress');
      await waitFor(async () => (await survivor.begin(request)).status === 'new', 'the mark to lapse');
    } finally {
      await survivor.close();
    }
  });
});
