import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { readStatistics } from './support/inspect-sample-app';

const affordableOrder = { sku: 'MUG-01', quantity: 1, unitPriceCents: 900, customerEmail: 'ada@example.com' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The value of one sample line of the text format, e.g. `name{a="b"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('sample app: metrics and per-transport statistics', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
  });

  it('serves Prometheus metrics at GET /metrics for an order paid through the bus', async () => {
    await request(app.getHttpServer()).post('/orders').send(affordableOrder).expect(201);

    const scrape = await eventually(async () => {
      const response = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(
        sample(
          response.text,
          'smart_message_succeeded_total{message_type="PaymentRequested",handler="PaymentsService.authorize",transport="durable"}',
        ),
      ).toBe(1);
      return response.text;
    });
    expect(
      sample(
        scrape,
        'smart_message_published_total{message_type="PaymentRequested",transport="durable",outcome="sent"}',
      ),
    ).toBe(1);
    expect(
      sample(
        scrape,
        'smart_message_handler_duration_seconds_count{message_type="PaymentRequested",handler="PaymentsService.authorize",transport="durable",outcome="succeeded"}',
      ),
    ).toBe(1);
    expect(scrape).toContain('# TYPE smart_message_in_flight gauge');
    expect(scrape).not.toMatch(UUID);
  });

  it('serves published and received figures per transport in GET /messages/stats', async () => {
    await request(app.getHttpServer()).post('/orders').send(affordableOrder).expect(201);

    const statistics = await readStatistics(app);
    const types = statistics.messageTypes;
    const published = (names: string[]): number => names.reduce((sum, name) => sum + (types[name]?.published ?? 0), 0);
    // The reply travels on the broadcast transport; the payment request and the rest of the order on the durable one.
    expect(statistics.transports.broadcast?.published).toBe(published(['PaymentAuthorized']));
    expect(statistics.transports.broadcast?.published).toBeGreaterThanOrEqual(1);
    expect(statistics.transports.durable?.published).toBe(
      published(['PaymentRequested', 'OrderPlaced', 'OrderShipped', 'CustomerNotice']),
    );
    expect(statistics.transports.durable?.published).toBeGreaterThanOrEqual(1);
    expect(statistics.transports.durable?.received).toBeGreaterThanOrEqual(1);
  });
});
