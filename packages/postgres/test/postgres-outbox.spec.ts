import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { IsInt } from 'class-validator';
import { Client, Pool } from 'pg';
import {
  Envelope,
  MemoryTransport,
  Message,
  MessageBus,
  OutboxRelayTarget,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import {
  OutboxDeadLetter,
  PostgresOutbox,
  PostgresOutboxOptions,
  postgresMigrationSql,
  TransactionRequiredError,
} from '@smart-message/postgres';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../../redis/test/support/redis-keys';
import { envelopeOf } from './support/envelopes';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const ROOT = join(__dirname, '../../..');
const REDIS_URL = process.env.SMART_MESSAGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

@Message({ name: 'OutboxOrderPlaced', from: 'orders' })
class OutboxOrderPlaced {
  @IsInt() orderNo!: number;
}

const order = (orderNo: number): OutboxOrderPlaced => Object.assign(new OutboxOrderPlaced(), { orderNo });

/** A client in a transaction of its own: what a caller passes as `transaction`. */
async function begin(): Promise<Client> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('BEGIN');
  return client;
}

async function outboxRows(schema: string): Promise<{ uuid: string; attempts: number; lease_owner: string | null }[]> {
  return sql(`SELECT uuid, attempts, lease_owner FROM "${schema}".outbox ORDER BY id`);
}

describe('PostgresOutbox', () => {
  let schema: string;
  const closers: (() => Promise<unknown>)[] = [];

  const outbox = (options: PostgresOutboxOptions = {}): PostgresOutbox => {
    const created = new PostgresOutbox({
      connectionString: TEST_DATABASE_URL,
      schema,
      pollIntervalMs: 50,
      retryBackoff: { baseMs: 10, maxMs: 20 },
      logger: silent,
      ...options,
    });
    closers.push(() => created.close());
    return created;
  };

  /** Stores envelopes for `destination` in one committed transaction. */
  const storeCommitted = async (target: PostgresOutbox, envelopes: Envelope[], destination = 'streams') => {
    const client = await begin();
    try {
      for (const envelope of envelopes) await target.store(envelope, destination, client, {});
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  };

  beforeEach(async () => {
    schema = randomSchema();
    await sql(postgresMigrationSql(schema));
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await dropSchema(schema);
  });

  describe('under a MessageBus with a Redis Streams transport', () => {
    const prefix = uniquePrefix('postgres-outbox');

    afterAll(async () => {
      await deleteKeys(prefix, REDIS_URL);
    });

    const busWithOutbox = async () => {
      const relay = outbox();
      const bus = new MessageBus({
        entity: 'fulfillment',
        transports: { streams: new RedisStreamsTransport({ url: REDIS_URL, prefix, blockMs: 100 }) },
        outbox: relay,
      });
      closers.push(() => bus.shutdown(1000));
      const received: { orderNo: number; uuid: string }[] = [];
      await bus.subscribe(OutboxOrderPlaced, (message, context) => {
        received.push({ orderNo: message.orderNo, uuid: context.header.uuid });
      });
      await bus.start();
      return { bus, received };
    };

    it('delivers a message published in a committed transaction once, with the uuid publish returned', async () => {
      const { bus, received } = await busWithOutbox();
      const client = await begin();
      const header = await bus.publish(order(1), { transaction: client });
      // Not before commit: the row is invisible to the relay's connection until then.
      expect(await outboxRows(schema)).toEqual([]);
      await client.query('COMMIT');
      await client.end();

      await waitFor(() => received.length === 1, 'the order on the Redis stream');
      expect(received).toEqual([{ orderNo: 1, uuid: header.uuid }]);
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'the relayed row to be deleted');
      // One more message proves nothing else of the first was still on its way.
      await bus.publish(order(2));
      await waitFor(() => received.length === 2, 'the second order');
      expect(received.map((entry) => entry.orderNo)).toEqual([1, 2]);
    });

    it('leaves no outbox row and delivers nothing when the transaction rolls back', async () => {
      const { bus, received } = await busWithOutbox();
      const client = await begin();
      await bus.publish(order(1), { transaction: client });
      await client.query('ROLLBACK');
      await client.end();
      expect(await outboxRows(schema)).toEqual([]);

      // A committed one published after it arrives; the rolled-back one never does.
      const committed = await begin();
      await bus.publish(order(2), { transaction: committed });
      await committed.query('COMMIT');
      await committed.end();
      await waitFor(() => received.length === 1, 'the committed order');
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'the relayed row to be deleted');
      expect(received.map((entry) => entry.orderNo)).toEqual([2]);
    });

    it('refuses a pool and a client with no transaction open, writing nothing', async () => {
      const { bus } = await busWithOutbox();
      const pool = new Pool({ connectionString: TEST_DATABASE_URL });
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await expect(bus.publish(order(1), { transaction: pool })).rejects.toBeInstanceOf(TransactionRequiredError);
        await expect(bus.publish(order(2), { transaction: client })).rejects.toMatchObject({
          code: 'SM_TRANSACTION_REQUIRED',
          message: expect.stringMatching(/run `BEGIN` on the client first/),
        });
      } finally {
        await pool.end();
        await client.end();
      }
      expect(await outboxRows(schema)).toEqual([]);
    });

    it('keeps a delayed message until it is due', async () => {
      const { bus } = await busWithOutbox();
      const client = await begin();
      await bus.publish(order(1), { transaction: client, delayMs: 3_600_000 });
      await client.query('COMMIT');
      await client.end();
      const [row] = await sql<{ due_in_minutes: number }>(
        `SELECT round(extract(epoch FROM visible_at - now()) / 60)::int AS due_in_minutes FROM "${schema}".outbox`,
      );
      expect(row.due_in_minutes).toBeGreaterThanOrEqual(59);
    });
  });

  it("reports a message the relay gave up on to the bus's dead letter queue as unsent, with the envelope to replay", async () => {
    /** A transport that refuses every publish: the broker the relay cannot reach. */
    class RefusingTransport extends MemoryTransport {
      override publish(): Promise<void> {
        return Promise.reject(new Error('broker unreachable'));
      }
    }
    const undeliverable: UndeliverableMessage[] = [];
    const bus = new MessageBus({
      entity: 'orders',
      logger: silent,
      transports: { down: new RefusingTransport() },
      outbox: outbox({ maxAttempts: 2 }),
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    closers.push(() => bus.shutdown(1000));
    await bus.start();
    const client = await begin();
    let uuid: string;
    try {
      uuid = (await bus.publish(order(7), { transaction: client })).uuid;
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await waitFor(() => undeliverable.length === 1, 'the unsent report');
    expect(undeliverable[0]).toMatchObject({
      reason: 'unsent',
      transport: 'down',
      envelope: { header: { uuid, messageClass: 'OutboxOrderPlaced' } },
      error: { message: expect.stringMatching(/publishing failed 2 times; last: broker unreachable/) },
    });
  });

  describe('relay', () => {
    /** A target that records publishes and answers each with what `answer` says. */
    const recordingTarget = (answer: (envelope: Envelope, call: number) => Promise<void> = async () => undefined) => {
      const calls: { uuid: string; destination: string }[] = [];
      const unsent: { uuid: string; destination: string; error: string }[] = [];
      const target: OutboxRelayTarget = {
        publishEnvelope: (envelope, destination) => {
          calls.push({ uuid: envelope.header.uuid, destination });
          return answer(envelope, calls.length);
        },
        reportUnsent: async (envelope, destination, error) =>
          void unsent.push({ uuid: envelope.header.uuid, destination, error: error.message }),
      };
      return { target, calls, unsent };
    };

    it('publishes rows in id order per destination, keeping uuid and header', async () => {
      const relay = outbox();
      const envelopes = Array.from({ length: 6 }, (_, index) => envelopeOf('Ordered', index));
      await storeCommitted(relay, envelopes.slice(0, 3), 'a');
      await storeCommitted(relay, envelopes.slice(3), 'b');
      const received: Envelope[] = [];
      const { target, calls } = recordingTarget(async (envelope) => void received.push(envelope));
      await relay.start(target);
      await waitFor(() => calls.length === 6, 'six publishes');
      expect(calls.filter((call) => call.destination === 'a').map((call) => call.uuid)).toEqual(
        envelopes.slice(0, 3).map((envelope) => envelope.header.uuid),
      );
      expect(calls.filter((call) => call.destination === 'b').map((call) => call.uuid)).toEqual(
        envelopes.slice(3).map((envelope) => envelope.header.uuid),
      );
      expect(received.find((envelope) => envelope.header.uuid === envelopes[0].header.uuid)).toEqual(envelopes[0]);
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'the rows to be deleted');
    });

    it('retries a failed publish after a backoff, and deletes the row once it succeeded', async () => {
      const relay = outbox();
      const envelope = envelopeOf('Flaky', 1);
      await storeCommitted(relay, [envelope]);
      const { target, calls } = recordingTarget(async (_envelope, call) => {
        if (call < 3) throw new Error(`broker hiccup ${call}`);
      });
      await relay.start(target);
      await waitFor(() => calls.length === 3, 'three publishes');
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'the row to be deleted');
      expect(calls.map((call) => call.uuid)).toEqual([
        envelope.header.uuid,
        envelope.header.uuid,
        envelope.header.uuid,
      ]);
      expect(await sql(`SELECT * FROM "${schema}".outbox_dead_letters`)).toEqual([]);
    });

    it('keeps the failure as last_error while the row waits for its retry', async () => {
      const relay = outbox({ retryBackoff: { baseMs: 3_600_000, maxMs: 3_600_000 } });
      await storeCommitted(relay, [envelopeOf('Waiting', 1)]);
      const { target, calls } = recordingTarget(async () => {
        throw new Error('stream is read-only');
      });
      await relay.start(target);
      await waitFor(
        async () => (await sql(`SELECT 1 FROM "${schema}".outbox WHERE last_error IS NOT NULL`)).length === 1,
        'the reschedule',
      );
      expect(calls).toHaveLength(1);
      expect(await sql(`SELECT attempts, lease_owner, last_error FROM "${schema}".outbox`)).toEqual([
        { attempts: 1, lease_owner: null, last_error: 'stream is read-only' },
      ]);
    });

    it('moves a row to outbox_dead_letters with the reason after maxAttempts, and reports it', async () => {
      const letters: OutboxDeadLetter[] = [];
      const relay = outbox({ maxAttempts: 3, onDeadLetter: (letter) => letters.push(letter) });
      const envelope = envelopeOf('Doomed', 1);
      await storeCommitted(relay, [envelope]);
      const [stored] = await sql<{ frame: string }>(`SELECT frame FROM "${schema}".outbox`);
      const { target, calls, unsent } = recordingTarget(async () => {
        throw new Error('broker says no');
      });
      await relay.start(target);
      await waitFor(() => letters.length === 1 && unsent.length === 1, 'the dead letter reports');

      expect(calls).toHaveLength(3);
      expect(unsent).toEqual([
        { uuid: envelope.header.uuid, destination: 'streams', error: expect.stringMatching(/broker says no/) },
      ]);
      expect(letters[0]).toMatchObject({
        uuid: envelope.header.uuid,
        messageClass: 'Doomed',
        destination: 'streams',
        reason: 'exhausted',
        attempts: 3,
        error: expect.stringMatching(/failed 3 times; last: broker says no/),
      });
      expect(await outboxRows(schema)).toEqual([]);
      expect(
        await sql(
          `SELECT uuid, destination, message_class, frame, reason, attempts FROM "${schema}".outbox_dead_letters`,
        ),
      ).toEqual([
        {
          uuid: envelope.header.uuid,
          destination: 'streams',
          message_class: 'Doomed',
          frame: stored.frame,
          reason: 'exhausted',
          attempts: 3,
        },
      ]);
    });

    it('sets an undecodable row aside without publishing it, and goes on with the next', async () => {
      const letters: OutboxDeadLetter[] = [];
      const relay = outbox({ onDeadLetter: (letter) => letters.push(letter) });
      await sql(
        `INSERT INTO "${schema}".outbox (uuid, destination, message_class, frame) VALUES ('x-1', 'streams', 'Junk', 'not a frame')`,
      );
      const good = envelopeOf('Good', 1);
      await storeCommitted(relay, [good]);
      const { target, calls } = recordingTarget();
      await relay.start(target);
      await waitFor(() => letters.length === 1 && calls.length === 1, 'the dead letter and the good publish');
      expect(letters[0]).toMatchObject({ uuid: 'x-1', reason: 'undecodable' });
      expect(calls).toEqual([{ uuid: good.header.uuid, destination: 'streams' }]);
    });

    it('cannot delete a row whose lease another relay took over, nor give back its untried rows', async () => {
      let releaseA!: (outcome: 'succeed' | 'fail') => void;
      const first = new Promise<'succeed' | 'fail'>((resolve) => (releaseA = resolve));
      const a = outbox({ relayName: 'a', leaseMs: 60_000, publishTimeoutMs: 50_000 });
      const envelopes = [envelopeOf('Fenced', 1), envelopeOf('Fenced', 2)];
      await storeCommitted(a, envelopes);
      const aTarget = recordingTarget(async (_envelope, call) => {
        if (call > 1) return;
        if ((await first) === 'fail') throw new Error('a failed late');
      });
      await a.start(aTarget.target);
      await waitFor(() => aTarget.calls.length === 1, 'relay a to publish the first row');
      // Relay a stalls (a pause, a partition) past its lease: the lease ends and b claims the row.
      await sql(`UPDATE "${schema}".outbox SET visible_at = now() WHERE lease_owner = 'a'`);
      let holdB!: () => void;
      const bHeld = new Promise<void>((resolve) => (holdB = resolve));
      const b = outbox({ relayName: 'b', leaseMs: 60_000, publishTimeoutMs: 50_000 });
      const bTarget = recordingTarget(() => bHeld);
      await b.start(bTarget.target);
      await waitFor(() => bTarget.calls.length === 1, 'relay b to take the row over');
      const before = await sql(
        `SELECT id, attempts, lease_owner, visible_at, last_error FROM "${schema}".outbox ORDER BY id`,
      );
      expect(before.map((row) => [row.attempts, row.lease_owner])).toEqual([
        [2, 'b'],
        [2, 'b'],
      ]);

      // a's late success must not delete b's row, and its untried rows are b's now.
      releaseA('succeed');
      await a.close();
      expect(
        await sql(`SELECT id, attempts, lease_owner, visible_at, last_error FROM "${schema}".outbox ORDER BY id`),
      ).toEqual(before);
      holdB();
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'relay b to finish');
      expect(bTarget.calls.map((call) => call.uuid)).toEqual(envelopes.map((envelope) => envelope.header.uuid));
    });

    it('cannot reschedule a row whose lease another relay took over', async () => {
      let releaseA!: () => void;
      const late = new Promise<void>((resolve) => (releaseA = resolve));
      const a = outbox({ relayName: 'a', leaseMs: 60_000, publishTimeoutMs: 50_000 });
      await storeCommitted(a, [envelopeOf('Fenced', 1)]);
      const aTarget = recordingTarget(async () => {
        await late;
        throw new Error('a failed late');
      });
      await a.start(aTarget.target);
      await waitFor(() => aTarget.calls.length === 1, 'relay a to publish');
      await sql(`UPDATE "${schema}".outbox SET visible_at = now() WHERE lease_owner = 'a'`);
      let holdB!: () => void;
      const bHeld = new Promise<void>((resolve) => (holdB = resolve));
      const b = outbox({ relayName: 'b', leaseMs: 60_000, publishTimeoutMs: 50_000 });
      const bTarget = recordingTarget(() => bHeld);
      await b.start(bTarget.target);
      await waitFor(() => bTarget.calls.length === 1, 'relay b to take the row over');
      const before = await sql(`SELECT attempts, lease_owner, visible_at, last_error FROM "${schema}".outbox`);

      releaseA();
      await a.close();
      expect(await sql(`SELECT attempts, lease_owner, visible_at, last_error FROM "${schema}".outbox`)).toEqual(before);
      expect(before).toEqual([expect.objectContaining({ attempts: 2, lease_owner: 'b', last_error: null })]);
      holdB();
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'relay b to finish');
    });

    it('loses nothing when a relay is SIGKILLed mid-batch: another relay takes the rows over once the lease ended', async () => {
      const store = outbox({ relay: false });
      const envelopes = Array.from({ length: 5 }, (_, index) => envelopeOf('Crashed', index));
      await storeCommitted(store, envelopes);
      const child = spawn(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join(__dirname, 'fixtures/relaying-outbox.ts'),
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
            TS_NODE_SWC: 'true',
            DATABASE_URL: TEST_DATABASE_URL,
            SCHEMA: schema,
            LEASE_MS: '3000',
            PUBLISH_BEFORE_HANG: '2',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const events: { event: string; uuid?: string }[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line)));
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await waitFor(
          () => events.some((e) => e.event === 'hanging'),
          () => `the child to hang on its third publish (${stderr})`,
          {
            timeoutMs: 30_000,
          },
        );
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      const published = events.filter((e) => e.event === 'published').map((e) => e.uuid);
      expect(published).toEqual(envelopes.slice(0, 2).map((envelope) => envelope.header.uuid));
      // What the child had not confirmed is still there, leased to the dead relay.
      const left = await outboxRows(schema);
      expect(left.map((row) => row.uuid)).toEqual(
        expect.arrayContaining(envelopes.slice(2).map((envelope) => envelope.header.uuid)),
      );
      expect(new Set(left.map((row) => row.lease_owner))).toEqual(new Set(['doomed']));

      const survivor = outbox({ relayName: 'survivor' });
      const { target, calls } = recordingTarget();
      await survivor.start(target);
      await waitFor(async () => (await outboxRows(schema)).length === 0, 'the survivor to relay every row', {
        timeoutMs: 20_000,
      });
      const delivered = new Set([...published, ...calls.map((call) => call.uuid)]);
      expect([...delivered].sort()).toEqual(envelopes.map((envelope) => envelope.header.uuid).sort());
      expect(calls.map((call) => call.uuid)).toEqual(
        expect.arrayContaining(envelopes.slice(2).map((e) => e.header.uuid)),
      );
    }, 60_000);
  });
});
