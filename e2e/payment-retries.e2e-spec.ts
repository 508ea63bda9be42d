import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CircuitStatistics } from '@smart-message/nestjs';
import { bootSampleApp } from './support/boot-sample-app';
import { readStatistics } from './support/inspect-sample-app';
import { AS_OPERATOR } from './support/operator-token';

const order = { sku: 'MUG-01', quantity: 1, unitPriceCents: 1250, customerEmail: 'ada@example.com' };

describe('sample app: retries and the circuit breaker around the payment provider', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(() => app.close());

  it('rides out two provider timeouts: the payment is retried and approved, and the retries are counted', async () => {
    await request(app.getHttpServer()).put('/payments/gateway').set(AS_OPERATOR).send({ failNext: 2 }).expect(200);

    const response = await request(app.getHttpServer()).post('/orders').send(order).expect(201);

    expect(response.body).toMatchObject({ status: 'placed', payment: { approved: true } });
    const gateway = await request(app.getHttpServer()).get('/payments/gateway').set(AS_OPERATOR).expect(200);
    expect(gateway.body).toMatchObject({ failNext: 0, charges: 3 });
    const statistics = await readStatistics(app);
    expect(statistics.handlers['PaymentsService.authorize']).toMatchObject({ succeeded: 1, failed: 0, retried: 2 });

    const circuits = (await request(app.getHttpServer()).get('/messages/circuits').expect(200))
      .body as CircuitStatistics[];
    expect(circuits).toEqual([
      expect.objectContaining({ name: 'PaymentsService.authorize', state: 'closed', opened: 0 }),
    ]);
  });
});
