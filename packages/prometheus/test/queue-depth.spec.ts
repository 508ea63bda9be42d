import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Envelope, MessageBus } from '@smart-message/nestjs';
import { PostgresTransport } from '@smart-message/postgres';
import { METRIC_NAMES, PrometheusMessageObserver } from '@smart-message/prometheus';
import { Registry } from 'prom-client';
import { sampleValue, scrapedSamples } from './support/scraped-samples';

const DATABASE_URL = process.env.SMART_MESSAGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sm_test_${randomBytes(6).toString('hex')}`;
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function sql(text: string, params: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}

function envelope(messageClass: string): Envelope {
  return {
    header: {
      uuid: randomUUID(),
      messageClass,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: process.pid,
      from: 'prometheus-spec',
      serializer: 'json',
    },
    payload: '{}',
  };
}

describe('queue depth gauges from a PostgreSQL transport', () => {
  let registry: Registry;
  let transport: PostgresTransport;
  let bus: MessageBus;

  beforeAll(async () => {
    registry = new Registry();
    const observer = new PrometheusMessageObserver({ registry, backlogTimeoutMs: 300 });
    transport = new PostgresTransport({ connectionString: DATABASE_URL, schema, logger: silent, maintenance: false });
    bus = new MessageBus({
      entity: 'metrics-spec',
      logger: silent,
      transports: { orders: transport },
      observers: [observer],
    });
    observer.watch(bus);
    await bus.start();
    // Two services subscribed to OrderPlaced, no consumer running: what is published waits.
    for (const group of ['billing', 'shipping'])
      await sql(`INSERT INTO "${schema}".subscriptions (message_class, group_name) VALUES ('OrderPlaced', $1)`, [
        group,
      ]);
    for (let index = 0; index < 4; index++) await transport.publish(envelope('OrderPlaced'));
    // shipping: one row leased by a consumer, one waiting out a retry; billing's oldest due a minute ago.
    await sql(
      `UPDATE "${schema}".deliveries SET visible_at = now() + interval '30 seconds', lease_owner = 'worker-1'
       WHERE id = (SELECT min(id) FROM "${schema}".deliveries WHERE group_name = 'shipping')`,
    );
    await sql(
      `UPDATE "${schema}".deliveries SET visible_at = now() + interval '1 hour'
       WHERE id = (SELECT max(id) FROM "${schema}".deliveries WHERE group_name = 'shipping')`,
    );
    await sql(
      `UPDATE "${schema}".deliveries SET visible_at = now() - interval '1 minute'
       WHERE id = (SELECT min(id) FROM "${schema}".deliveries WHERE group_name = 'billing')`,
    );
  });

  afterAll(async () => {
    await bus.shutdown(1000);
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('renders the rows waiting per transport, group, message class and state, read at scrape time', async () => {
    const samples = scrapedSamples(await registry.metrics());
    const depth = (group: string, state: string): number | undefined =>
      sampleValue(samples, METRIC_NAMES.queueDepth, {
        transport: 'orders',
        group,
        message_class: 'OrderPlaced',
        state,
      });

    expect([depth('billing', 'ready'), depth('billing', 'delayed'), depth('billing', 'leased')]).toEqual([4, 0, 0]);
    expect([depth('shipping', 'ready'), depth('shipping', 'delayed'), depth('shipping', 'leased')]).toEqual([2, 1, 1]);
    const billingAge = sampleValue(samples, METRIC_NAMES.queueOldestDueAge, {
      transport: 'orders',
      group: 'billing',
      message_class: 'OrderPlaced',
    });
    expect(billingAge).toBeGreaterThanOrEqual(60);
    expect(billingAge).toBeLessThan(3600);

    // Handled rows leave the gauge at the next scrape.
    await sql(`DELETE FROM "${schema}".deliveries WHERE group_name = 'billing'`);
    const after = scrapedSamples(await registry.metrics());
    expect(
      sampleValue(after, METRIC_NAMES.queueDepth, {
        transport: 'orders',
        group: 'billing',
        message_class: 'OrderPlaced',
        state: 'ready',
      }),
    ).toBe(0);
  });

  it('leaves the backlog out of a scrape the database does not answer in time, and renders the rest', async () => {
    const blocker = new Client({ connectionString: DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".deliveries IN ACCESS EXCLUSIVE MODE`);
      const samples = scrapedSamples(await registry.metrics());
      expect(samples.filter((sample) => sample.name === METRIC_NAMES.queueDepth)).toEqual([]);
      expect(sampleValue(samples, METRIC_NAMES.inFlight)).toBe(0);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });
});
