import { Envelope } from '@smart-message/nestjs';
import { DeliveryInfo, FrameRejection } from '@smart-message/nestjs/transport-kit';
import { PostgresTransport, PostgresTransportOptions } from '@smart-message/postgres';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { dropSchema, randomSchema, sql, TEST_DATABASE_URL } from './support/test-database';

const schema = randomSchema();
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const open: PostgresTransport[] = [];

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

let classes = 0;
const newClass = (label: string): string => `${label}_${++classes}_${Date.now()}`;

afterEach(async () => {
  await Promise.all(open.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await dropSchema(schema);
});

interface Received {
  by: string;
  sequence: number;
  attempt: number;
}

function recordInto(received: Received[], by: string) {
  return async (envelope: Envelope, delivery: DeliveryInfo): Promise<void> => {
    received.push({ by, sequence: sequenceOf(envelope), attempt: delivery.attempt });
  };
}

describe('PostgresTransport delivery', () => {
  it('fans out to two groups and splits each group between its competing consumers, each message once per group', async () => {
    const messageClass = newClass('FannedOut');
    const [billingA, billingB, shipping, publisher] = await Promise.all([
      transport(),
      transport(),
      transport(),
      transport(),
    ]);
    const billing: Received[] = [];
    const shipped: Received[] = [];
    await billingA.subscribe(messageClass, recordInto(billing, 'a'), { concurrency: 2, group: 'billing' });
    await billingB.subscribe(messageClass, recordInto(billing, 'b'), { concurrency: 2, group: 'billing' });
    await shipping.subscribe(messageClass, recordInto(shipped, 'shipping'), { concurrency: 4, group: 'shipping' });

    const count = 300;
    for (let sequence = 0; sequence < count; sequence++) await publisher.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => billing.length >= count && shipped.length >= count, 'every message in both groups', {
      timeoutMs: 15_000,
    });
    // Nothing more comes once the rows are gone: wait for the acks, then for one more poll of each.
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM "${schema}".deliveries WHERE message_class = $1`, [messageClass])).length === 0,
      'every delivery row deleted',
    );

    const every = Array.from({ length: count }, (_, sequence) => sequence);
    expect(billing.map((r) => r.sequence).sort((x, y) => x - y)).toEqual(every);
    expect(shipped.map((r) => r.sequence).sort((x, y) => x - y)).toEqual(every);
    // Competing: both instances of billing did some of the work, and nothing was delivered twice.
    expect(billing.some((r) => r.by === 'a')).toBe(true);
    expect(billing.some((r) => r.by === 'b')).toBe(true);
    expect([...billing, ...shipped].every((r) => r.attempt === 1)).toBe(true);
  });

  it('delivers the rows a crashed consumer had claimed again once its lease ended, with attempt 2, and fences its late ack', async () => {
    const messageClass = newClass('Leased');
    // "Crashed": its handler never returns while the lease runs out.
    const crashed = await transport({ leaseMs: 300, consumerName: 'crashed' });
    let releaseCrashed!: () => void;
    const crashedHolds = new Promise<void>((resolve) => (releaseCrashed = resolve));
    const taken: Received[] = [];
    await crashed.subscribe(
      messageClass,
      async (envelope, delivery) => {
        taken.push({ by: 'crashed', sequence: sequenceOf(envelope), attempt: delivery.attempt });
        await crashedHolds;
      },
      { concurrency: 1, group: 'workers' },
    );
    await crashed.publish(envelopeOf(messageClass, 7));
    await waitFor(() => taken.length === 1, 'the first consumer to claim the message');

    const survivor = await transport({ leaseMs: 30_000, consumerName: 'survivor' });
    let releaseSurvivor!: () => void;
    const survivorHolds = new Promise<void>((resolve) => (releaseSurvivor = resolve));
    const redelivered: Received[] = [];
    await survivor.subscribe(
      messageClass,
      async (envelope, delivery) => {
        redelivered.push({ by: 'survivor', sequence: sequenceOf(envelope), attempt: delivery.attempt });
        await survivorHolds;
      },
      { concurrency: 1, group: 'workers' },
    );
    await waitFor(() => redelivered.length === 1, 'the message redelivered after the lease ended', {
      timeoutMs: 10_000,
    });
    expect(redelivered[0]).toEqual({ by: 'survivor', sequence: 7, attempt: 2 });

    // The first consumer finishes late: its ack must not delete the row the survivor now holds.
    releaseCrashed();
    await crashed.close();
    const rows = await sql<{ lease_owner: string; attempts: number }>(
      `SELECT lease_owner, attempts FROM "${schema}".deliveries WHERE message_class = $1`,
      [messageClass],
    );
    expect(rows).toEqual([{ lease_owner: 'survivor', attempts: 2 }]);

    releaseSurvivor();
    await survivor.close();
    expect(await sql(`SELECT 1 FROM "${schema}".deliveries WHERE message_class = $1`, [messageClass])).toEqual([]);
  });

  it('sets a message aside as poison after maxDeliveries, recorded in dead_letters and reported with the reason', async () => {
    const messageClass = newClass('Poison');
    const consumer = await transport({ maxDeliveries: 3, consumerName: 'poisoned' });
    const attempts: number[] = [];
    const rejections: FrameRejection[] = [];
    await consumer.subscribe(
      messageClass,
      async (_envelope, delivery) => {
        attempts.push(delivery.attempt);
        throw new Error('always fails');
      },
      { concurrency: 1, group: 'workers', onReject: (rejection) => rejections.push(rejection) },
    );
    const envelope = envelopeOf(messageClass, 1);
    await consumer.publish(envelope);
    await waitFor(() => rejections.length === 1, 'the poison report', { timeoutMs: 10_000 });

    expect(attempts).toEqual([1, 2, 3]);
    expect(rejections[0]).toMatchObject({ reason: 'poison', attempt: 3 });
    expect(rejections[0].envelope?.header.uuid).toBe(envelope.header.uuid);
    expect(rejections[0].error.message).toMatch(/delivered 3 times.*maxDeliveries 3/);
    const dead = await sql(
      `SELECT reason, attempts, group_name, lease_owner FROM "${schema}".dead_letters WHERE message_class = $1`,
      [messageClass],
    );
    expect(dead).toEqual([{ reason: 'poison', attempts: 3, group_name: 'workers', lease_owner: 'poisoned' }]);
    expect(await sql(`SELECT 1 FROM "${schema}".deliveries WHERE message_class = $1`, [messageClass])).toEqual([]);
  });

  it('sets aside rows that are not frames, too large or without a message, and goes on delivering', async () => {
    const messageClass = newClass('Hostile');
    const consumer = await transport({ maxFrameBytes: 4096 });
    const received: Received[] = [];
    const rejections: FrameRejection[] = [];
    await consumer.subscribe(messageClass, recordInto(received, 'consumer'), {
      concurrency: 2,
      group: 'workers',
      onReject: (rejection) => rejections.push(rejection),
    });
    // Written behind the transport's back, as anyone with INSERT on the schema could.
    const junk = ['not a frame', '{"specversion":"1.0"}', 'x'.repeat(100_000)];
    for (const frame of junk)
      await sql(
        `WITH m AS (INSERT INTO "${schema}".messages (uuid, message_class, frame) VALUES ('junk', $1, $2) RETURNING seq)
         INSERT INTO "${schema}".deliveries (message_seq, group_name, message_class) SELECT seq, 'workers', $1 FROM m`,
        [messageClass, frame],
      );
    await sql(
      `INSERT INTO "${schema}".deliveries (message_seq, group_name, message_class) VALUES (-1, 'workers', $1)`,
      [messageClass],
    );
    await consumer.publish(envelopeOf(messageClass, 42));

    await waitFor(() => received.length === 1 && rejections.length === 4, 'the good message and four rejections');
    expect(received[0].sequence).toBe(42);
    expect(rejections.every((rejection) => rejection.reason === 'undecodable')).toBe(true);
    // The oversized frame is reported by its first bytes only.
    const oversized = rejections.find((rejection) => /4096/.test(rejection.error.message));
    expect((oversized?.frame as Uint8Array | undefined)?.length).toBe(1024);
    expect(rejections.some((rejection) => /no message row/.test(rejection.error.message))).toBe(true);
    await waitFor(
      async () =>
        (await sql(`SELECT 1 FROM "${schema}".dead_letters WHERE message_class = $1`, [messageClass])).length === 4,
      'four dead letter rows',
    );
  });

  it('subscribes under the group option instead of the bus group when one is given', async () => {
    const messageClass = newClass('Grouped');
    const consumer = await transport({ group: 'reporting' });
    const received: Received[] = [];
    await consumer.subscribe(messageClass, recordInto(received, 'reporting'), { concurrency: 1, group: 'from-bus' });
    await consumer.publish(envelopeOf(messageClass, 3));
    await waitFor(() => received.length === 1, 'the message');
    expect(
      await sql(`SELECT group_name FROM "${schema}".subscriptions WHERE message_class = $1`, [messageClass]),
    ).toEqual([{ group_name: 'reporting' }]);
  });

  it('refuses to publish or subscribe after close with TransportClosedError', async () => {
    const closed = await transport();
    await closed.close();
    await expect(closed.publish(envelopeOf(newClass('Closed'), 1))).rejects.toMatchObject({
      code: 'SM_TRANSPORT_CLOSED',
    });
    await expect(
      closed.subscribe(newClass('Closed'), async () => undefined, { concurrency: 1, group: 'workers' }),
    ).rejects.toMatchObject({ code: 'SM_TRANSPORT_CLOSED' });
    await expect(closed.start()).rejects.toMatchObject({ code: 'SM_TRANSPORT_CLOSED' });
    expect((await closed.health(1000)).up).toBe(false);
  });
});
