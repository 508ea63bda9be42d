import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Envelope, MessageBus } from '@smart-message/nestjs';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { readActivity, readStatistics } from './support/inspect-sample-app';

/** OrderPlaced as version 1 of the orders service wrote it, before `currency` existed. */
function orderPlacedV1(payload: Record<string, unknown>): Envelope {
  return {
    header: {
      uuid: randomUUID(),
      messageClass: 'OrderPlaced',
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: 4242,
      from: 'orders',
      to: 'fulfillment',
      serializer: 'json',
    },
    payload: JSON.stringify(payload),
  };
}

const v1Order = {
  orderId: '6f1c2b8e-3d4a-4c5b-9e6f-7a8b9c0d1e2f',
  sku: 'MUG-01',
  quantity: 1,
  totalCents: 1250,
  customerEmail: 'ada@example.com',
};

describe('sample app: OrderPlaced version 1 from an orders service not yet redeployed', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
  });

  it('is upcast to version 2 and shipped by fulfillment', async () => {
    const envelope = orderPlacedV1(v1Order);
    await app.get(MessageBus).publishEnvelope(envelope);

    await eventually(async () => {
      const statistics = await readStatistics(app);
      expect(statistics.handlers['FulfillmentService.onOrderPlaced']).toMatchObject({
        delivered: 1,
        upcast: 1,
        succeeded: 1,
      });
      expect(statistics.messageTypes.OrderShipped).toMatchObject({ published: 1 });
    });
    const activity = await readActivity(app);
    expect(activity).toContainEqual(
      expect.objectContaining({
        messageClass: 'OrderPlaced',
        uuid: envelope.header.uuid,
        handlerId: 'FulfillmentService.onOrderPlaced',
      }),
    );
  });

  it('lists the versions fulfillment reads in the catalog', async () => {
    const response = await request(app.getHttpServer()).get('/messages/catalog').expect(200);
    const orderPlaced = (response.body as { name: string }[]).find((type) => type.name === 'OrderPlaced');
    expect(orderPlaced).toMatchObject({ version: 2, readsVersions: { from: 1, to: 2 }, onFutureVersion: 'reject' });
  });
});
