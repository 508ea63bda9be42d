import { Client } from 'pg';
import { PostgresTransport, PostgresTransportOptions } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
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

const subscribeByHand = (messageClass: string, group: string): Promise<unknown> =>
  sql(`INSERT INTO "${schema}".subscriptions (message_class, group_name) VALUES ($1, $2)`, [messageClass, group]);

/** Sets the due time (and owner) of the `index`-th delivery of a class, in id order. */
async function reschedule(messageClass: string, index: number, interval: string, owner: string | null): Promise<void> {
  await sql(
    `UPDATE "${schema}".deliveries SET visible_at = now() + $3::interval, lease_owner = $4
     WHERE id = (SELECT id FROM "${schema}".deliveries WHERE message_class = $1 ORDER BY id OFFSET $2 LIMIT 1)`,
    [messageClass, index, interval, owner],
  );
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
  await sql(`TRUNCATE "${schema}".messages, "${schema}".deliveries, "${schema}".subscriptions`);
});

afterAll(async () => {
  await dropSchema(schema);
});

describe('PostgresTransport backlog', () => {
  it('counts ready, delayed and leased rows per group and message class, with the age of the oldest due row', async () => {
    const instance = await transport();
    const busy = newClass('Busy');
    const quiet = newClass('Quiet');
    await subscribeByHand(busy, 'billing');
    await subscribeByHand(busy, 'shipping');
    await subscribeByHand(quiet, 'billing');
    for (let sequence = 0; sequence < 5; sequence++) await instance.publish(envelopeOf(busy, sequence));
    // billing's rows: 0 due ten minutes ago, 1 delayed an hour, 2 leased, 3 leased with its lease run out (due again), 4 due now.
    await sql(`DELETE FROM "${schema}".deliveries WHERE group_name = 'shipping' AND message_class = $1`, [busy]);
    await reschedule(busy, 0, '-10 minutes', null);
    await reschedule(busy, 1, '1 hour', null);
    await reschedule(busy, 2, '30 seconds', 'worker-1');
    await reschedule(busy, 3, '-1 second', 'worker-gone');

    const backlog = await instance.backlog(2000);

    const mine = backlog.filter((row) => row.messageClass === busy || row.messageClass === quiet);
    expect(mine).toEqual([
      { group: 'billing', messageClass: busy, ready: 3, delayed: 1, leased: 1, oldestDueAgeMs: expect.any(Number) },
      { group: 'billing', messageClass: quiet, ready: 0, delayed: 0, leased: 0, oldestDueAgeMs: 0 },
      { group: 'shipping', messageClass: busy, ready: 0, delayed: 0, leased: 0, oldestDueAgeMs: 0 },
    ]);
    expect(mine[0]!.oldestDueAgeMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(mine[0]!.oldestDueAgeMs).toBeLessThan(60 * 60_000);
  });

  it('rejects within its timeout when the deliveries table is locked, instead of hanging', async () => {
    const instance = await transport();
    const blocker = new Client({ connectionString: TEST_DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".deliveries IN ACCESS EXCLUSIVE MODE`);
      await expect(instance.backlog(200)).rejects.toThrow(/statement timeout|no answer within 200 ms/);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // The pool is not left with a broken transaction: the next count answers.
    expect(Array.isArray(await instance.backlog(2000))).toBe(true);
  });
});

describe('PostgresTransport health with limits', () => {
  it("reports this instance's groups with their backlog and goes down past maxLag, maxPending or maxOldestDueAgeMs", async () => {
    const instance = await transport();
    const slow = newClass('Slow');
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    await instance.subscribe(
      slow,
      async () => {
        started++;
        await holding;
      },
      { concurrency: 1, group: 'slow-workers' },
    );
    // Another service's group, stuck far worse: not this instance's concern.
    const foreign = newClass('Foreign');
    await subscribeByHand(foreign, 'other-service');
    for (let sequence = 0; sequence < 50; sequence++) await instance.publish(envelopeOf(foreign, sequence));
    await sql(`UPDATE "${schema}".deliveries SET visible_at = now() - interval '1 day' WHERE message_class = $1`, [
      foreign,
    ]);

    for (let sequence = 0; sequence < 3; sequence++) await instance.publish(envelopeOf(slow, sequence));
    await waitFor(() => started === 1, 'the first message in the handler');
    await sql(
      `UPDATE "${schema}".deliveries SET visible_at = now() - interval '1 minute' WHERE message_class = $1 AND lease_owner IS NULL`,
      [slow],
    );

    const relaxed = await instance.health(2000, { maxLag: 10, maxPending: 5, maxOldestDueAgeMs: 3_600_000 });
    expect(relaxed.up).toBe(true);
    expect(relaxed.details.groups).toEqual({
      'slow-workers': { [slow]: { ready: 2, delayed: 0, leased: 1, oldestDueAgeMs: expect.any(Number) } },
    });

    const lagging = await instance.health(2000, { maxLag: 1 });
    expect(lagging.up).toBe(false);
    expect(lagging.details.problems).toEqual([`${slow} (slow-workers): lag 2 above 1`]);

    const pending = await instance.health(2000, { maxPending: 0 });
    expect(pending.details.problems).toEqual([`${slow} (slow-workers): 1 pending above 0`]);

    const stale = await instance.health(2000, { maxOldestDueAgeMs: 30_000 });
    expect(stale.up).toBe(false);
    expect(stale.details.problems).toEqual([
      expect.stringMatching(new RegExp(`^${slow} \\(slow-workers\\): oldest due \\d+ ms ago, above 30000 ms$`)),
    ]);

    expect((await instance.health(2000)).up).toBe(true);
    release();
  });
});
