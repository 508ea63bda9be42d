import { Client } from 'pg';
import { PostgresTransport, PostgresTransportOptions } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { MAINTENANCE_LOCK_CLASS } from '../src/maintenance/maintenance';
import { envelopeOf } from './support/envelopes';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const schema = randomSchema();
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const open: PostgresTransport[] = [];
let classes = 0;
const newClass = (label: string): string => `${label}_${++classes}`;

async function transport(options: PostgresTransportOptions = {}): Promise<PostgresTransport> {
  const created = new PostgresTransport({
    connectionString: TEST_DATABASE_URL,
    schema,
    pollIntervalMs: 50,
    logger: silent,
    maintenance: false,
    ...options,
  });
  open.push(created);
  await created.start();
  return created;
}

/** A message published through the transport to `groups` (subscribed by hand, no consumer), its uuid. */
async function publishTo(publisher: PostgresTransport, messageClass: string, groups: string[]): Promise<string> {
  for (const group of groups)
    await sql(
      `INSERT INTO "${schema}".subscriptions (message_class, group_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [messageClass, group],
    );
  const envelope = envelopeOf(messageClass, 1);
  await publisher.publish(envelope);
  return envelope.header.uuid;
}

const backdate = (uuids: string[], interval: string): Promise<unknown> =>
  sql(`UPDATE "${schema}".messages SET published_at = now() - $2::interval WHERE uuid = ANY($1)`, [uuids, interval]);

/** What a consumer that handled the message leaves: its deliveries gone. */
const handled = (uuids: string[]): Promise<unknown> =>
  sql(
    `DELETE FROM "${schema}".deliveries USING "${schema}".messages AS m WHERE m.seq = message_seq AND m.uuid = ANY($1)`,
    [uuids],
  );

async function deadLetterFor(uuid: string, failedAgo: string): Promise<void> {
  await sql(
    `INSERT INTO "${schema}".dead_letters (delivery_id, message_seq, group_name, message_class, reason, error, attempts, failed_at)
     SELECT 0, seq, 'workers', message_class, 'poison', 'always fails', 5, now() - $2::interval
     FROM "${schema}".messages WHERE uuid = $1`,
    [uuid, failedAgo],
  );
}

const storedUuids = async (): Promise<string[]> =>
  (await sql<{ uuid: string }>(`SELECT uuid FROM "${schema}".messages ORDER BY uuid`)).map((row) => row.uuid).sort();

afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
  await sql(
    `TRUNCATE "${schema}".messages, "${schema}".deliveries, "${schema}".dead_letters, "${schema}".subscriptions, ` +
      `"${schema}".inbox, "${schema}".outbox_dead_letters, "${schema}".deduplication`,
  );
});

afterAll(async () => {
  await dropSchema(schema);
});

describe('PostgresTransport maintenance', () => {
  it('prunes handled messages past the retention and old dead letters, and keeps every message a delivery or dead letter still needs', async () => {
    const instance = await transport();
    const prunable = [];
    for (let index = 0; index < 3; index++) prunable.push(await publishTo(instance, newClass('Done'), ['workers']));
    const waiting = await publishTo(instance, newClass('Waiting'), ['workers', 'idle']);
    const delayed = await publishTo(instance, newClass('Delayed'), ['workers']);
    const recent = await publishTo(instance, newClass('Recent'), ['workers']);
    const deadRecently = await publishTo(instance, newClass('DeadRecently'), ['workers']);
    const deadLongAgo = await publishTo(instance, newClass('DeadLongAgo'), ['workers']);
    const unsubscribed = await publishTo(instance, newClass('NobodyListens'), []);

    await handled([...prunable, recent, deadRecently, deadLongAgo]);
    // The idle group has not handled "waiting"; "delayed" is due in an hour.
    await handled([waiting]).then(() =>
      sql(
        `INSERT INTO "${schema}".deliveries (message_seq, group_name, message_class)
         SELECT seq, 'idle', message_class FROM "${schema}".messages WHERE uuid = $1`,
        [waiting],
      ),
    );
    await sql(
      `UPDATE "${schema}".deliveries SET visible_at = now() + interval '1 hour'
       FROM "${schema}".messages AS m WHERE m.seq = message_seq AND m.uuid = $1`,
      [delayed],
    );
    await deadLetterFor(deadRecently, '1 day');
    await deadLetterFor(deadLongAgo, '8 days');
    await backdate([...prunable, waiting, delayed, deadRecently, deadLongAgo, unsubscribed], '2 hours');

    const report = await instance.maintain();

    expect(report).toEqual({
      ran: true,
      messages: 5,
      deadLetters: 1,
      inbox: 0,
      outboxDeadLetters: 0,
      deduplication: 0,
      batches: 5,
      more: false,
    });
    expect(await storedUuids()).toEqual([waiting, delayed, recent, deadRecently].sort());
    const deadLetters = await sql<{ message_class: string }>(`SELECT message_class FROM "${schema}".dead_letters`);
    expect(deadLetters.map((row) => row.message_class)).toEqual([expect.stringMatching(/^DeadRecently_/)]);
    // The kept rows are still delivered: the idle group's delivery finds its message.
    const joined = await sql(
      `SELECT 1 FROM "${schema}".deliveries AS d JOIN "${schema}".messages AS m ON m.seq = d.message_seq`,
    );
    expect(joined).toHaveLength(2);
  });

  it('prunes inbox records and outbox dead letters past their retention and expired deduplication rows, keeping the rest', async () => {
    const instance = await transport({ maintenance: { retention: { inboxMs: 60_000, deadLettersMs: 60_000 } } });
    await sql(
      `INSERT INTO "${schema}".inbox (consumer, message_uuid, processed_at) VALUES
         ('Handler.old', 'u-old', now() - interval '2 minutes'), ('Handler.new', 'u-new', now())`,
    );
    await sql(
      `INSERT INTO "${schema}".outbox_dead_letters
         (outbox_id, uuid, destination, message_class, frame, reason, error, attempts, created_at, failed_at)
       VALUES (1, 'o-old', 'redis', 'Ping', '{}', 'poison', 'failed', 5, now(), now() - interval '2 minutes'),
              (2, 'o-new', 'redis', 'Ping', '{}', 'poison', 'failed', 5, now(), now())`,
    );
    await sql(
      `INSERT INTO "${schema}".deduplication (handler_id, message_key, processed, expires_at) VALUES
         ('Handler', 'expired', true, now() - interval '1 second'), ('Handler', 'live', true, now() + interval '1 hour')`,
    );
    expect(await instance.maintain()).toMatchObject({ ran: true, inbox: 1, outboxDeadLetters: 1, deduplication: 1 });
    expect(await sql(`SELECT message_uuid FROM "${schema}".inbox`)).toEqual([{ message_uuid: 'u-new' }]);
    expect(await sql(`SELECT uuid FROM "${schema}".outbox_dead_letters`)).toEqual([{ uuid: 'o-new' }]);
    expect(await sql(`SELECT message_key FROM "${schema}".deduplication`)).toEqual([{ message_key: 'live' }]);
  });

  it('deletes in batches of batchSize and leaves what maxBatchesPerRun did not reach to the next run', async () => {
    const instance = await transport({ maintenance: { batchSize: 2, maxBatchesPerRun: 2 } });
    const uuids = [];
    for (let index = 0; index < 5; index++) uuids.push(await publishTo(instance, newClass('Batched'), []));
    await backdate(uuids, '2 hours');

    expect(await instance.maintain()).toEqual({
      ran: true,
      messages: 4,
      deadLetters: 0,
      inbox: 0,
      outboxDeadLetters: 0,
      deduplication: 0,
      batches: 6,
      more: true,
    });
    expect(await storedUuids()).toHaveLength(1);
    expect(await instance.maintain()).toEqual({
      ran: true,
      messages: 1,
      deadLetters: 0,
      inbox: 0,
      outboxDeadLetters: 0,
      deduplication: 0,
      batches: 5,
      more: false,
    });
    expect(await storedUuids()).toEqual([]);
  });

  it('keeps messages for the configured retention', async () => {
    const instance = await transport({ maintenance: { retention: { messagesMs: 3 * 3_600_000 } } });
    const uuid = await publishTo(instance, newClass('Kept'), []);
    await backdate([uuid], '2 hours');
    expect((await instance.maintain()).messages).toBe(0);
    await backdate([uuid], '4 hours');
    expect((await instance.maintain()).messages).toBe(1);
  });

  it('runs on one instance at a time: while one is inside a batch, another skips its run and deletes nothing', async () => {
    const first = await transport({ maintenance: { lockTimeoutMs: 30_000 } });
    const second = await transport();
    const uuid = await publishTo(first, newClass('Contended'), []);
    await backdate([uuid], '2 hours');

    // Hold the first instance inside its batch: its delete waits for this table lock.
    const blocker = new Client({ connectionString: TEST_DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".dead_letters IN ACCESS EXCLUSIVE MODE`);
      const running = first.maintain();
      await waitFor(
        async () =>
          (
            await sql(
              `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid
               AND objid = hashtext($2)::oid AND objsubid = 2`,
              [MAINTENANCE_LOCK_CLASS, schema],
            )
          ).length === 1,
        'the first instance holding the maintenance lock',
      );

      expect(await second.maintain()).toEqual({
        ran: false,
        messages: 0,
        deadLetters: 0,
        inbox: 0,
        outboxDeadLetters: 0,
        deduplication: 0,
        batches: 0,
        more: false,
      });
      expect(await storedUuids()).toEqual([uuid]);

      await blocker.query('COMMIT');
      expect(await running).toMatchObject({ ran: true, messages: 1 });
    } finally {
      await blocker.end();
    }
    expect(await storedUuids()).toEqual([]);
    // Released with its transaction: the second instance runs now.
    expect((await second.maintain()).ran).toBe(true);
  });

  it('skips a run while the lock is held by hand, as another instance would hold it', async () => {
    const instance = await transport();
    const uuid = await publishTo(instance, newClass('Locked'), []);
    await backdate([uuid], '2 hours');
    const holder = new Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [MAINTENANCE_LOCK_CLASS, schema]);
      expect((await instance.maintain()).ran).toBe(false);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(await instance.maintain()).toMatchObject({ ran: true, messages: 1 });
  });

  it('prunes on its interval by itself', async () => {
    const instance = await transport({ maintenance: { intervalMs: 100 } });
    const uuid = await publishTo(instance, newClass('Timed'), []);
    await backdate([uuid], '2 hours');
    await waitFor(async () => (await storedUuids()).length === 0, 'the timer pruning the message');
  });

  it('refuses maintenance options that are not positive whole numbers', () => {
    for (const maintenance of [{ intervalMs: 0 }, { batchSize: 1.5 }, { retention: { messagesMs: -1 } }])
      expect(() => new PostgresTransport({ connectionString: TEST_DATABASE_URL, schema, maintenance })).toThrow(
        expect.objectContaining({ code: 'SM_INVALID_OPTION' }) as Error,
      );
  });
});
