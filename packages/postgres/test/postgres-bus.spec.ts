import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { Message, MessageBus, UndeliverableMessage } from '@smart-message/nestjs';
import { PostgresTransport, PostgresTransportOptions } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

@Message({ name: 'PostgresJob', from: 'tests' })
class PostgresJob {
  @IsInt() seq!: number;
}

const job = (seq: number): PostgresJob => Object.assign(new PostgresJob(), { seq });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('PostgresTransport under a MessageBus', () => {
  const buses: MessageBus[] = [];
  let schema: string;
  let undeliverable: UndeliverableMessage[];

  const bus = (options: PostgresTransportOptions = {}): { bus: MessageBus; transport: PostgresTransport } => {
    undeliverable = [];
    const transport = new PostgresTransport({
      connectionString: TEST_DATABASE_URL,
      schema,
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 10, maxMs: 20 },
      logger: silent,
      ...options,
    });
    const created = new MessageBus({
      entity: 'workers',
      transports: { postgres: transport },
      onUndeliverable: (event) => undeliverable.push(event),
    });
    buses.push(created);
    return { bus: created, transport };
  };

  beforeEach(() => {
    schema = randomSchema();
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.shutdown(1000)));
    await dropSchema(schema);
  });

  it('retries a failing handler with the delivery count and dead-letters it as poison after maxDeliveries', async () => {
    const { bus: b } = bus({ maxDeliveries: 3 });
    const attempts: number[] = [];
    await b.subscribe(PostgresJob, (_m, context) => {
      attempts.push(context.attempt);
      throw new Error('always fails');
    });
    await b.start();
    await b.publish(job(7));
    await waitFor(() => undeliverable.some((event) => event.reason === 'poison'), 'the poison report', {
      timeoutMs: 10_000,
    });

    expect(attempts).toEqual([1, 2, 3]);
    expect(undeliverable.find((event) => event.reason === 'poison')).toMatchObject({
      reason: 'poison',
      transport: 'postgres',
      attempt: 3,
    });
    expect(await sql(`SELECT reason, attempts FROM "${schema}".dead_letters`)).toEqual([
      { reason: 'poison', attempts: 3 },
    ]);
  });

  it('wakes consumers by NOTIFY when polling alone would not come for a minute', async () => {
    const { bus: b } = bus({ pollIntervalMs: 60_000 });
    const seen: number[] = [];
    await b.subscribe(PostgresJob, (m) => void seen.push(m.seq));
    await b.start();
    for (let seq = 0; seq < 5; seq++) await b.publish(job(seq));
    await waitFor(() => seen.length === 5, 'five messages woken by NOTIFY');
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('LISTENs again after its connection is terminated, and looks for what was published meanwhile', async () => {
    const applicationName = `smart-message-listen-${schema}`;
    const { bus: b, transport } = bus({ pollIntervalMs: 60_000, applicationName });
    const seen: number[] = [];
    await b.subscribe(PostgresJob, (m) => void seen.push(m.seq));
    await b.start();
    await b.publish(job(1));
    await waitFor(() => seen.length === 1, 'the first message');

    const listener = `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`;
    const terminated = await sql(`SELECT pg_terminate_backend(pid) FROM (${listener}) AS l`, [applicationName]);
    expect(terminated).toHaveLength(1);
    await waitFor(async () => (await transport.health(1000)).details.listen === false, 'LISTEN to be seen gone');
    await waitFor(async () => (await transport.health(1000)).details.listen === true, 'LISTEN to be back', {
      timeoutMs: 10_000,
    });
    expect(await sql(listener, [applicationName])).toHaveLength(1);
    await b.publish(job(2));
    await waitFor(() => seen.length === 2, 'a message woken by the new LISTEN');
    expect(seen).toEqual([1, 2]);
  });

  it('delivers by polling alone with notify: false, and never LISTENs', async () => {
    const applicationName = `smart-message-nonotify-${schema}`;
    const { bus: b, transport } = bus({ notify: false, applicationName });
    const seen: number[] = [];
    await b.subscribe(PostgresJob, (m) => void seen.push(m.seq));
    await b.start();
    for (let seq = 0; seq < 3; seq++) await b.publish(job(seq));
    await waitFor(() => seen.length === 3, 'three messages found by polling');
    expect((await transport.health(1000)).details.listen).toBe('off');
    const listening = await sql(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`,
      [applicationName],
    );
    expect(listening).toEqual([]);
  });

  it('holds no more claimed rows than prefetch, however many handlers could run', async () => {
    const { bus: b, transport } = bus({ prefetch: 3, consumerName: 'bounded' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    await b.subscribe(
      PostgresJob,
      async () => {
        started++;
        await held;
      },
      { concurrency: 10 },
    );
    await b.start();
    for (let seq = 0; seq < 10; seq++) await b.publish(job(seq));
    await waitFor(() => started === 3, 'three handlers running');
    // Several poll rounds go by; none may claim more while the three are held.
    const leased = `SELECT count(*)::int AS n FROM "${schema}".deliveries WHERE lease_owner = 'bounded' AND visible_at > now()`;
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await sql(leased)).toEqual([{ n: 3 }]);
    }
    expect(started).toBe(3);
    release();
    await waitFor(() => started === 10, 'the rest once the first three finished');
    expect(transport.kind).toBe('postgres');
  });
});
