import 'reflect-metadata';
import { BusClosedError, MessageBus, MessageStatistics } from '@smart-message/nestjs';
import request from 'supertest';
import { Announcement } from '../sample-app/src/broadcasts/messages/announcement.message';
import { bootSampleApp } from './support/boot-sample-app';

describe('sample app: shutdown', () => {
  it('app.close() lets the handlers of accepted messages finish, then takes no more', async () => {
    const app = await bootSampleApp();
    const statistics = app.get(MessageStatistics);
    const bus = app.get(MessageBus);

    // Fulfillment is still packing this order when close() starts.
    await request(app.getHttpServer())
      .post('/orders')
      .send({ sku: 'MUG-01', quantity: 1, unitPriceCents: 1250, customerEmail: 'ada@example.com' })
      .expect(201);
    await app.close();

    expect(statistics.forHandler('FulfillmentService.onOrderPlaced')).toMatchObject({
      delivered: 1,
      succeeded: 1,
      failed: 0,
    });
    // Its last act, publishing the shipment, happened before the transport closed.
    expect(statistics.forType('OrderShipped').published).toBe(1);
    await expect(bus.publish(Object.assign(new Announcement(), { text: 'Anyone there?' }))).rejects.toBeInstanceOf(
      BusClosedError,
    );
  });
});
