import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { IdentityNotDeclaredError, MessageBus, Transport, getTransportToken } from '@smart-message/nestjs';
import { DURABLE_TRANSPORT } from '../sample-app/src/messaging/transport-names';
import { PaymentRequested } from '../sample-app/src/payments/messages/payment-requested.message';
import { UNATTENDED_PAYMENT_LIMIT_CENTS } from '../sample-app/src/payments/payment-request.policy';
import { bootSampleApp } from './support/boot-sample-app';
import { ownDeadLetterFile } from './support/own-dead-letter-file';
import { eventually } from './support/eventually';
import { readStatistics } from './support/inspect-sample-app';
import { AS_OPERATOR } from './support/operator-token';

const paymentRequest = (totalCents: number): PaymentRequested =>
  Object.assign(new PaymentRequested(), { orderId: randomUUID(), customerEmail: 'eve@example.com', totalCents });

describe('sample app: payments refuse large payment requests that are not proven to come from orders', () => {
  let app: INestApplication;
  let deadLetters: { remove(): void };

  beforeEach(async () => {
    // This test's own dead letter file, so the one entry it expects is the only one there.
    deadLetters = ownDeadLetterFile('authorization');
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
    deadLetters.remove();
  });

  async function deadLettersOf(reason: string) {
    const response = await request(app.getHttpServer())
      .get(`/dead-letters?reason=${reason}`)
      .set(AS_OPERATOR)
      .expect(200);
    return (
      response.body as {
        entries: {
          handlerId?: string;
          envelope: { header: { uuid: string } };
          error: { code: string; message: string };
        }[];
      }
    ).entries;
  }

  it('refuses to publish as an entity the app has no signing key for', async () => {
    await expect(app.get(MessageBus).publish(paymentRequest(100), { from: 'kiosk' })).rejects.toBeInstanceOf(
      IdentityNotDeclaredError,
    );
  });

  it('refuses an unsigned request that claims to come from orders, before reading it', async () => {
    const transport = app.get<Transport>(getTransportToken(DURABLE_TRANSPORT));
    const uuid = randomUUID();
    // What a forger with broker access writes: the right class, `from: orders`, no signature.
    await transport.publish({
      header: {
        uuid,
        messageClass: 'PaymentRequested',
        version: 1,
        publishedAt: new Date().toISOString(),
        publisherPid: 1,
        from: 'orders',
        to: 'payments',
        serializer: 'json+a256gcm',
      },
      payload: new Uint8Array([1, 2, 3]),
    });
    const entry = await eventually(async () => {
      const entries = await deadLettersOf('policy-violation');
      expect(entries).toHaveLength(1);
      return entries[0]!;
    });
    expect(entry).toMatchObject({ envelope: { header: { uuid } }, error: { code: 'SM_SIGNATURE_MISSING' } });
    const gateway = await request(app.getHttpServer()).get('/payments/gateway').set(AS_OPERATOR).expect(200);
    expect(gateway.body).toMatchObject({ charges: 0 });
  });

  it('dead-letters a large request signed by another service as unauthorized and charges nothing', async () => {
    const refused = paymentRequest(UNATTENDED_PAYMENT_LIMIT_CENTS + 1);
    // Signed and verified, but by fulfillment: only a verified orders may ask for large sums.
    const header = await app.get(MessageBus).publish(refused, { from: 'fulfillment' });

    const entry = await eventually(async () => {
      const response = await request(app.getHttpServer())
        .get('/dead-letters?reason=unauthorized')
        .set(AS_OPERATOR)
        .expect(200);
      const { entries } = response.body as {
        entries: {
          handlerId: string;
          envelope: { header: { uuid: string } };
          error: { code: string; message: string };
        }[];
      };
      expect(entries).toHaveLength(1);
      return entries[0]!;
    });
    expect(entry).toMatchObject({
      handlerId: 'PaymentsService.authorize',
      envelope: { header: { uuid: header.uuid } },
      error: { code: 'SM_UNAUTHORIZED', message: expect.stringContaining('from "fulfillment"') },
    });
    const gateway = await request(app.getHttpServer()).get('/payments/gateway').set(AS_OPERATOR).expect(200);
    expect(gateway.body).toMatchObject({ charges: 0 });
    expect((await readStatistics(app)).handlers['PaymentsService.authorize']).toMatchObject({
      denied: 1,
      succeeded: 0,
    });
  });

  it('still charges a large order placed through orders', async () => {
    const order = { sku: 'MUG-01', quantity: 8, unitPriceCents: 1250, customerEmail: 'ada@example.com' };
    expect(order.quantity * order.unitPriceCents).toBeGreaterThan(UNATTENDED_PAYMENT_LIMIT_CENTS);

    const response = await request(app.getHttpServer()).post('/orders').send(order).expect(201);

    expect(response.body).toMatchObject({ status: 'placed', payment: { approved: true } });
    const gateway = await request(app.getHttpServer()).get('/payments/gateway').set(AS_OPERATOR).expect(200);
    expect(gateway.body).toMatchObject({ charges: 1 });
  });
});
