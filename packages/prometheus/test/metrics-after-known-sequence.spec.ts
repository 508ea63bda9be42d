import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DeadLetterQueue,
  MemoryDeadLetterStore,
  MemoryTransport,
  MessageBus,
  MessageHeader,
  SmartMessageModule,
} from '@smart-message/nestjs';
import { PrometheusMessageObserver, SmartMessagePrometheusModule } from '@smart-message/prometheus';
import { waitFor } from '@smart-message/testing';
import { Registry } from 'prom-client';
import { Billing, order, Warehouse } from './support/order-handlers';
import { sampleValue, ScrapedSample, scrapedSamples } from './support/scraped-samples';

const TRANSPORT = 'orders';
const TYPE = 'MetricOrder';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('PrometheusMessageObserver after a known sequence of messages', () => {
  let app: INestApplication;
  let registry: Registry;
  let samples: ScrapedSample[];
  let scrape: string;
  const headers: MessageHeader[] = [];

  beforeAll(async () => {
    registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRootAsync({
          imports: [SmartMessagePrometheusModule.forRoot({ registry })],
          inject: [PrometheusMessageObserver],
          useFactory: (observer: PrometheusMessageObserver) => ({
            entity: 'shop-7f3a9c2e-1b4d-4e8f-9a6b-5c3d2e1f0a9b',
            logger: false,
            transports: { [TRANSPORT]: new MemoryTransport() },
            observers: [observer],
            deadLetters: { store: new MemoryDeadLetterStore() },
          }),
        }),
      ],
      providers: [Warehouse, Billing],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();

    const bus = app.get(MessageBus);
    const deadLetters = app.get(DeadLetterQueue);
    headers.push(await bus.publish(order('ok-1'), { to: 'warehouse' }));
    headers.push(await bus.publish(order('ok-2')));
    headers.push(await bus.publish(order('flaky-1')));
    headers.push(await bus.publish(order('broken-1')));
    await waitFor(async () => (await deadLetters.stats()).total === 1, 'the broken order in the dead letter queue');
    await waitFor(() => app.get(Billing).charged.length === 3, 'three orders charged');
    // The first order again, as a transport redelivering it would: billing skips it as a duplicate.
    const first = headers[0] as MessageHeader;
    await bus.publishEnvelope({ header: first, payload: JSON.stringify({ id: 'ok-1' }) });
    await waitFor(() => app.get(Warehouse).packed.length === 2, 'the redelivered order packed');
    await waitFor(() => bus.statistics.forHandler('Billing.charge')?.deduplicated === 1, 'the duplicate skipped');
    await bus.idle();

    scrape = await registry.metrics();
    samples = scrapedSamples(scrape);
  });

  afterAll(async () => {
    await app.close();
  });

  const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
    sampleValue(samples, name, labels);
  const warehouse = { message_type: TYPE, handler: 'Warehouse.pack' };
  const billing = { message_type: TYPE, handler: 'Billing.charge' };

  it('counts what was published and received per message type and transport', () => {
    expect(value('smart_message_published_total', { message_type: TYPE, transport: TRANSPORT, outcome: 'sent' })).toBe(
      5,
    );
    expect(value('smart_message_received_total', { message_type: TYPE, transport: TRANSPORT })).toBe(5);
  });

  it('counts deliveries, filtering, outcomes, retries, duplicates and dead letters per handler', () => {
    expect(value('smart_message_delivered_total', warehouse)).toBe(2);
    expect(value('smart_message_delivered_total', billing)).toBe(5);
    expect(value('smart_message_filtered_total', warehouse)).toBe(3);
    expect(value('smart_message_filtered_total', billing)).toBeUndefined();
    expect(value('smart_message_succeeded_total', { ...warehouse, transport: TRANSPORT })).toBe(2);
    // ok-1, ok-2, flaky-1 on its retry, and the duplicate of ok-1, which counts as handled.
    expect(value('smart_message_succeeded_total', { ...billing, transport: TRANSPORT })).toBe(4);
    expect(value('smart_message_failed_total', { ...billing, transport: TRANSPORT })).toBe(1);
    expect(value('smart_message_failed_total', { ...warehouse, transport: TRANSPORT })).toBeUndefined();
    expect(value('smart_message_retried_total', billing)).toBe(1);
    expect(value('smart_message_deduplicated_total', billing)).toBe(1);
    expect(
      value('smart_message_dead_lettered_total', {
        message_type: TYPE,
        transport: TRANSPORT,
        reason: 'handler-failed',
      }),
    ).toBe(1);
  });

  it('observes one handler duration per handler call and one end-to-end latency per handler start', () => {
    const duration = 'smart_message_handler_duration_seconds_count';
    expect(value(duration, { ...warehouse, transport: TRANSPORT, outcome: 'succeeded' })).toBe(2);
    expect(value(duration, { ...billing, transport: TRANSPORT, outcome: 'succeeded' })).toBe(4);
    expect(value(duration, { ...billing, transport: TRANSPORT, outcome: 'failed' })).toBe(1);
    const latency = 'smart_message_end_to_end_latency_seconds_count';
    expect(value(latency, { ...warehouse, transport: TRANSPORT })).toBe(2);
    expect(value(latency, { ...billing, transport: TRANSPORT })).toBe(5);
    expect(
      value('smart_message_end_to_end_latency_seconds_bucket', { ...billing, transport: TRANSPORT, le: '+Inf' }),
    ).toBe(5);
  });

  it('reads the in-flight count from the dispatcher', () => {
    expect(value('smart_message_in_flight')).toBe(0);
  });

  it('labels with bounded values only: no uuid, no entity id', () => {
    const labelValues = samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((label) => UUID.test(label))).toEqual([]);
    for (const header of headers) expect(scrape).not.toContain(header.uuid);
    expect(scrape).not.toContain('shop-7f3a9c2e');
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
    expect([...labelNames].sort()).toEqual(['handler', 'le', 'message_type', 'outcome', 'reason', 'transport']);
  });
});
