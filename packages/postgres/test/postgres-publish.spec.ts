import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Client, Pool } from 'pg';
import { Envelope, Message, MessageBus } from '@smart-message/nestjs';
import { DeliveryInfo } from '@smart-message/nestjs/transport-kit';
import {
  PostgresQueryError,
  PostgresTransport,
  PostgresTransportOptions,
  TransactionRequiredError,
} from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const schema = randomSchema();
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const open: PostgresTransport[] = [];
const clients: Client[] = [];

async function transport(options: PostgresTransportOptions = {}): Promise<PostgresTransport> {
  const created = new PostgresTransport({
    connectionString: TEST_DATABASE_URL,
    schema,
    pollIntervalMs: 50,
    retryBackoff: { baseMs: 10, maxMs: 20 },
    logger: silent,
    ...options,
  });
  open.push(created);
  await created.start();
  return created;
}

/** A connection of the test's own, as an application's transaction would use. */
async function client(): Promise<Client> {
  const created = new Client({ connectionString: TEST_DATABASE_URL });
  created.on('error', () => undefined);
  await created.connect();
  clients.push(created);
  return created;
}

let classes = 0;
const newClass = (label: string): string => `${label}_${++classes}_${Date.now()}`;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.end().catch(() => undefined)));
  await Promise.all(open.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await dropSchema(schema);
});

function recordInto(received: number[]) {
  return async (envelope: Envelope): Promise<void> => {
    received.push(sequenceOf(envelope));
  };
}

async function rowsOf(messageClass: string): Promise<{ messages: number; deliveries: number }> {
  const [counts] = await sql<{ messages: number; deliveries: number }>(
    `SELECT (SELECT count(*)::int FROM "${schema}".messages WHERE message_class = $1) AS messages,
       (SELECT count(*)::int FROM "${schema}".deliveries WHERE message_class = $1) AS deliveries`,
    [messageClass],
  );
  return counts;
}

/** Registers `group` for `messageClass` and stops consuming, so what is published next waits in the table. */
async function subscribedButIdle(messageClass: string, group: string): Promise<void> {
  const registrar = await transport();
  const subscription = await registrar.subscribe(messageClass, async () => undefined, { concurrency: 1, group });
  await subscription.unsubscribe();
}

describe('PostgresTransport publish inside the caller’s transaction', () => {
  it('delivers a message once after the transaction commits, and not before', async () => {
    const messageClass = newClass('Committed');
    const consumer = await transport();
    const received: number[] = [];
    await consumer.subscribe(messageClass, recordInto(received), { concurrency: 1, group: 'workers' });
    const tx = await client();
    await tx.query('BEGIN');
    await consumer.publish(envelopeOf(messageClass, 1), { transaction: tx });
    // Uncommitted: invisible to the consumer, however many polls pass.
    await pause(300);
    expect(received).toEqual([]);
    await tx.query('COMMIT');
    await waitFor(() => received.length === 1, 'the committed message');
    await waitFor(async () => (await rowsOf(messageClass)).deliveries === 0, 'its delivery row deleted');
    await pause(200);
    expect(received).toEqual([1]);
  });

  it('leaves no message row, no delivery and nothing delivered when the transaction rolls back', async () => {
    const messageClass = newClass('RolledBack');
    const consumer = await transport();
    const received: number[] = [];
    await consumer.subscribe(messageClass, recordInto(received), { concurrency: 1, group: 'workers' });
    const tx = await client();
    await tx.query('BEGIN');
    await consumer.publish(envelopeOf(messageClass, 1), { transaction: tx });
    expect((await tx.query(`SELECT count(*)::int AS n FROM "${schema}".deliveries`)).rows[0].n).toBeGreaterThan(0);
    await tx.query('ROLLBACK');
    // Several polls of the consumer (50 ms each) pass.
    await pause(400);
    expect(received).toEqual([]);
    expect(await rowsOf(messageClass)).toEqual({ messages: 0, deliveries: 0 });
  });

  it('refuses a Pool and a client outside BEGIN with TransactionRequiredError, writing nothing', async () => {
    const messageClass = newClass('Refused');
    const publisher = await transport();
    await subscribedButIdle(messageClass, 'workers');
    const pool = new Pool({ connectionString: TEST_DATABASE_URL });
    try {
      const fromPool = await publisher
        .publish(envelopeOf(messageClass, 1), { transaction: pool })
        .catch((error: unknown) => error);
      expect(fromPool).toBeInstanceOf(TransactionRequiredError);
      expect(fromPool).toMatchObject({ code: 'SM_TRANSACTION_REQUIRED' });
      expect((fromPool as Error).message).toMatch(/pg Pool.*pool\.connect\(\)/);
    } finally {
      await pool.end();
    }
    const outside = await client();
    const noTransaction = await publisher
      .publish(envelopeOf(messageClass, 2), { transaction: outside })
      .catch((error: unknown) => error);
    expect(noTransaction).toBeInstanceOf(TransactionRequiredError);
    expect((noTransaction as Error).message).toMatch(/no transaction open.*BEGIN/);
    expect(await rowsOf(messageClass)).toEqual({ messages: 0, deliveries: 0 });
  });

  it('leaves the caller’s transaction usable when the publish statement fails in it', async () => {
    const table = `"${schema}".caller_orders`;
    await sql(`CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY)`);
    // Its tables do not exist: the publish statement fails inside the caller's transaction.
    const broken = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      schema: `${schema}_missing`,
      migrate: false,
      logger: silent,
    });
    open.push(broken);
    const tx = await client();
    await tx.query('BEGIN');
    await tx.query(`INSERT INTO ${table} (id) VALUES (1)`);
    const error = await broken
      .publish(envelopeOf(newClass('Broken'), 1), { transaction: tx })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostgresQueryError);
    expect(error).toMatchObject({ sqlState: '42P01' });
    expect((error as Error).message).toMatch(/inside your transaction/);
    // Rolled back to the savepoint only: the caller's work goes on and commits.
    await tx.query(`INSERT INTO ${table} (id) VALUES (2)`);
    await tx.query('COMMIT');
    expect(await sql(`SELECT id FROM ${table} ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('PostgresTransport delayed and prioritised deliveries', () => {
  it('never delivers a delayed message before notBefore, and delivers it after', async () => {
    const messageClass = newClass('Delayed');
    const consumer = await transport();
    const received: { sequence: number; at: number }[] = [];
    await consumer.subscribe(
      messageClass,
      async (envelope) => {
        received.push({ sequence: sequenceOf(envelope), at: Date.now() });
      },
      { concurrency: 4, group: 'workers' },
    );
    const notBefore = new Date(Date.now() + 1500);
    await consumer.publish(envelopeOf(messageClass, 1), { notBefore });
    await consumer.publish(envelopeOf(messageClass, 2));
    await waitFor(() => received.length === 2, 'both messages', { timeoutMs: 10_000 });
    expect(received.map((r) => r.sequence)).toEqual([2, 1]);
    // The server's clock and ours are the machine's: the delayed one was handled at or after its time.
    expect(received[1].at).toBeGreaterThanOrEqual(notBefore.getTime());
  });

  it('runs higher priorities first among deliveries due together', async () => {
    const messageClass = newClass('Prioritised');
    await subscribedButIdle(messageClass, 'workers');
    const publisher = await transport();
    const priorities = [0, 5, -1, 10, 5, 0];
    for (const [sequence, priority] of priorities.entries())
      await publisher.publish(envelopeOf(messageClass, sequence), { priority });
    const consumer = await transport({ prefetch: 1 });
    const received: number[] = [];
    await consumer.subscribe(messageClass, recordInto(received), { concurrency: 1, group: 'workers' });
    await waitFor(() => received.length === priorities.length, 'every message');
    // By priority, then in publish order.
    expect(received).toEqual([3, 1, 4, 0, 5, 2]);
  });
});

describe('PostgresTransport ordering per key', () => {
  it('never lets a delivery overtake an older one of its key, even with concurrency 10', async () => {
    const messageClass = newClass('Ordered');
    const consumer = await transport();
    const started = new Map<string, number[]>();
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    let done = 0;
    await consumer.subscribe(
      messageClass,
      async (envelope) => {
        const { key, sequence } = JSON.parse(String(envelope.payload)) as { key: string; sequence: number };
        if ((inFlight.get(key) ?? 0) > 0) overlaps++;
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        started.set(key, [...(started.get(key) ?? []), sequence]);
        await pause(Math.floor(Math.random() * 5));
        inFlight.set(key, (inFlight.get(key) ?? 0) - 1);
        done++;
      },
      { concurrency: 10, group: 'workers' },
    );
    const keys = ['a', 'b', 'c'];
    const perKey = 30;
    const publishers = await Promise.all([transport(), transport(), transport()]);
    // One publisher per key, all at once: keys interleave in the table.
    await Promise.all(
      keys.map(async (key, index) => {
        for (let sequence = 0; sequence < perKey; sequence++) {
          const envelope = { ...envelopeOf(messageClass, sequence), payload: JSON.stringify({ key, sequence }) };
          await publishers[index].publish(envelope, { orderingKey: `order-${key}` });
        }
      }),
    );
    await waitFor(() => done === keys.length * perKey, 'every message', { timeoutMs: 20_000 });
    for (const key of keys) expect(started.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    expect(overlaps).toBe(0);
  });

  it('claims the next delivery of a key as soon as the one before it is deleted, without waiting for a poll', async () => {
    const messageClass = newClass('Chained');
    // Hardly ever polls: only NOTIFY and the wake after a keyed row's delete move it.
    const consumer = await transport({ pollIntervalMs: 600_000 });
    const received: number[] = [];
    await consumer.subscribe(messageClass, recordInto(received), { concurrency: 4, group: 'workers' });
    const publisher = await transport();
    const count = 20;
    await publisher.publishBatch(
      Array.from({ length: count }, (_, sequence) => envelopeOf(messageClass, sequence)),
      { orderingKey: 'chain' },
    );
    await waitFor(() => received.length === count, 'the whole chain of one key', { timeoutMs: 10_000 });
    expect(received).toEqual(Array.from({ length: count }, (_, sequence) => sequence));
  });

  it('holds the successors of a failing head of a key, and only of that key', async () => {
    const messageClass = newClass('Blocked');
    await subscribedButIdle(messageClass, 'workers');
    const publisher = await transport();
    const publish = async (label: string, key?: string): Promise<void> => {
      const envelope = { ...envelopeOf(messageClass, 0), payload: JSON.stringify({ sequence: 0, label }) };
      await publisher.publish(envelope, key === undefined ? undefined : { orderingKey: key });
    };
    await publish('a0', 'a');
    await publish('a1', 'a');
    await publish('b0', 'b');
    await publish('b1', 'b');
    await publish('free');
    await publish('a2', 'a');
    const events: string[] = [];
    let headAttempts = 0;
    const consumer = await transport();
    await consumer.subscribe(
      messageClass,
      async (envelope, delivery: DeliveryInfo) => {
        const { label } = JSON.parse(String(envelope.payload)) as { label: string };
        if (label === 'a0') {
          headAttempts = delivery.attempt;
          // Fails until the other key and the unkeyed message went through past it.
          if (!['b0', 'b1', 'free'].every((other) => events.includes(other))) {
            events.push('a0 failed');
            throw new Error('not yet');
          }
        }
        events.push(label);
      },
      { concurrency: 10, group: 'workers' },
    );
    await waitFor(() => events.includes('a2'), 'the last message of key a', { timeoutMs: 15_000 });
    expect(headAttempts).toBeGreaterThan(1);
    const handled = events.filter((event) => event !== 'a0 failed');
    expect(handled.filter((label) => label.startsWith('a'))).toEqual(['a0', 'a1', 'a2']);
    expect(handled.filter((label) => label.startsWith('b'))).toEqual(['b0', 'b1']);
    // Nothing of key a ran before its head succeeded.
    expect(events.indexOf('a1')).toBeGreaterThan(events.indexOf('a0'));
  });

  it('makes a second transactional publisher of a key wait for the first to commit, so ids follow commit order', async () => {
    const messageClass = newClass('CommitOrder');
    await subscribedButIdle(messageClass, 'workers');
    const publisher = await transport();
    const [first, second, other] = await Promise.all([client(), client(), client()]);
    for (const tx of [first, second, other]) await tx.query('BEGIN');
    const secondPid = (await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const [one, two] = [envelopeOf(messageClass, 1), envelopeOf(messageClass, 2)];
    await publisher.publish(one, { transaction: first, orderingKey: 'order-7' });
    let secondDone = false;
    const secondPublish = publisher
      .publish(two, { transaction: second, orderingKey: 'order-7' })
      .then(() => (secondDone = true));
    await waitFor(
      async () =>
        (
          await sql(
            `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
            [secondPid],
          )
        ).length === 1,
      'the second publisher waiting on the key’s lock',
    );
    // Another key does not wait.
    await publisher.publish(envelopeOf(messageClass, 3), { transaction: other, orderingKey: 'order-8' });
    await other.query('COMMIT');
    expect(secondDone).toBe(false);

    await first.query('COMMIT');
    await secondPublish;
    await second.query('COMMIT');
    const rows = await sql<{ uuid: string }>(
      `SELECT message.uuid FROM "${schema}".deliveries AS delivery
       JOIN "${schema}".messages AS message ON message.seq = delivery.message_seq
       WHERE delivery.message_class = $1 AND delivery.ordering_key = 'order-7' ORDER BY delivery.id`,
      [messageClass],
    );
    expect(rows.map((row) => row.uuid)).toEqual([one.header.uuid, two.header.uuid]);
  });
});

describe('PostgresTransport publishBatch', () => {
  it('writes many messages in one statement, in order, inside a transaction or not', async () => {
    const messageClass = newClass('Batched');
    await subscribedButIdle(messageClass, 'workers');
    const publisher = await transport();
    // More rows than a statement with parameters per row could carry (65,535 parameters).
    const count = 25_000;
    await publisher.publishBatch(Array.from({ length: count }, (_, sequence) => envelopeOf(messageClass, sequence)));
    expect(await rowsOf(messageClass)).toEqual({ messages: count, deliveries: count });

    const tx = await client();
    await tx.query('BEGIN');
    await publisher.publishBatch([envelopeOf(messageClass, count), envelopeOf(messageClass, count + 1)], {
      transaction: tx,
      orderingKey: 'batch',
    });
    await tx.query('ROLLBACK');
    expect(await rowsOf(messageClass)).toEqual({ messages: count, deliveries: count });

    await sql(`DELETE FROM "${schema}".deliveries WHERE message_class = $1`, [messageClass]);
    await publisher.publishBatch(
      [3, 1, 2].map((sequence) => envelopeOf(messageClass, sequence)),
      { priority: 2 },
    );
    const consumer = await transport({ prefetch: 1 });
    const received: number[] = [];
    await consumer.subscribe(messageClass, recordInto(received), { concurrency: 1, group: 'workers' });
    await waitFor(() => received.length === 3, 'the batch');
    expect(received).toEqual([3, 1, 2]);
  });

  it('writes nothing when one frame of the batch is too large', async () => {
    const messageClass = newClass('BatchTooLarge');
    await subscribedButIdle(messageClass, 'workers');
    const publisher = await transport({ maxFrameBytes: 2048 });
    const large = {
      ...envelopeOf(messageClass, 2),
      payload: JSON.stringify({ sequence: 2, padding: 'x'.repeat(4096) }),
    };
    await expect(
      publisher.publishBatch([envelopeOf(messageClass, 1), large, envelopeOf(messageClass, 3)]),
    ).rejects.toMatchObject({ code: 'SM_FRAME_TOO_LARGE' });
    expect(await rowsOf(messageClass)).toEqual({ messages: 0, deliveries: 0 });
  });
});

describe('PostgresTransport NOTIFY', () => {
  it('wakes consumers by group with a long poll interval, and sends far fewer notifications than publishes in a burst', async () => {
    const messageClass = newClass('Woken');
    // Polls hardly ever: only the NOTIFY can wake it within the test.
    const consumer = await transport({ pollIntervalMs: 600_000 });
    const received: number[] = [];
    await consumer.subscribe(messageClass, recordInto(received), { concurrency: 10, group: 'woken' });
    const listener = await client();
    const payloads: string[] = [];
    listener.on('notification', (notification) => payloads.push(notification.payload ?? ''));
    await listener.query(`LISTEN "${schema}_wake"`);

    const publisher = await transport({ notifyDebounceMs: 50 });
    await publisher.publish(envelopeOf(messageClass, 0));
    await waitFor(() => received.length === 1, 'the first message, woken by NOTIFY');
    const burst = 500;
    for (let sequence = 1; sequence <= burst; sequence++) await publisher.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => received.length === burst + 1, 'the burst, woken by NOTIFY', { timeoutMs: 20_000 });
    expect(new Set(payloads)).toEqual(new Set(['woken']));
    expect(payloads.length).toBeLessThan(burst / 5);
  });
});

@Message({ name: 'PostgresTransactionalJob', from: 'tests' })
class TransactionalJob {
  @IsInt() seq!: number;
}

describe('PostgresTransport under a MessageBus with delivery options', () => {
  it('publishes inside the caller’s transaction and after a delay through bus.publish', async () => {
    const created = await transport();
    const bus = new MessageBus({ entity: 'workers', transports: { postgres: created } });
    try {
      const received: { seq: number; at: number }[] = [];
      await bus.subscribe(TransactionalJob, (message) => {
        received.push({ seq: message.seq, at: Date.now() });
      });
      await bus.start();
      const tx = await client();
      await tx.query('BEGIN');
      await bus.publish(Object.assign(new TransactionalJob(), { seq: 1 }), { transaction: tx });
      await tx.query('ROLLBACK');
      await tx.query('BEGIN');
      const sentAt = Date.now();
      await bus.publish(Object.assign(new TransactionalJob(), { seq: 2 }), { transaction: tx, delayMs: 500 });
      await tx.query('COMMIT');
      await waitFor(() => received.length === 1, 'the committed, delayed message', { timeoutMs: 10_000 });
      await pause(200);
      expect(received.map((r) => r.seq)).toEqual([2]);
      expect(received[0].at).toBeGreaterThanOrEqual(sentAt + 500);
    } finally {
      await bus.shutdown(1000);
    }
  });

  it('publishes with bus.publishAll in one statement inside the transaction, and sends nothing when one is invalid', async () => {
    const created = await transport();
    const bus = new MessageBus({ entity: 'batch-workers', transports: { postgres: created } });
    try {
      const received: number[] = [];
      await bus.subscribe(TransactionalJob, (message) => void received.push(message.seq), { concurrency: 1 });
      await bus.start();
      const job = (seq: number) => Object.assign(new TransactionalJob(), { seq });
      await expect(
        bus.publishAll([job(1), Object.assign(new TransactionalJob(), { seq: 'two' })]),
      ).rejects.toMatchObject({
        code: 'SM_VALIDATION_FAILED',
      });
      const tx = await client();
      await tx.query('BEGIN');
      const headers = await bus.publishAll([job(1), job(2), job(3)], { transaction: tx, priority: 1 });
      await tx.query('COMMIT');
      await waitFor(() => received.length === 3, 'the batch');
      expect(received).toEqual([1, 2, 3]);
      const rows = await sql<{ uuid: string }>(
        `SELECT uuid FROM "${schema}".messages WHERE message_class = 'PostgresTransactionalJob' ORDER BY seq DESC LIMIT 3`,
      );
      expect(rows.map((row) => row.uuid).reverse()).toEqual(headers.map((header) => header.uuid));
    } finally {
      await bus.shutdown(1000);
    }
  });
});
