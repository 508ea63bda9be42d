import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bootSampleApp } from './support/boot-sample-app';
import { eventually } from './support/eventually';
import { handlersThatSaw, readActivity, readStatistics } from './support/inspect-sample-app';

const affordableOrder = { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250, customerEmail: 'ada@example.com' };
/** 2 x 60 000 cents is over the sample's payment limit of 100 000. */
const expensiveOrder = { sku: 'SOFA-9', quantity: 2, unitPriceCents: 60_000, customerEmail: 'bob@example.com' };

describe('sample app: orders', () => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await bootSampleApp();
  });

  afterEach(async () => {
    await app.close();
  });

  const placeOrder = (body: object) => request(app.getHttpServer()).post('/orders').send(body);

  describe('request–reply with payments', () => {
    it('returns the payment approval in the POST response', async () => {
      const response = await placeOrder(affordableOrder).expect(201);

      expect(response.body).toEqual({ orderId: expect.any(String), status: 'placed', payment: { approved: true } });
      const requests = (await readActivity(app)).filter((entry) => entry.messageClass === 'PaymentRequested');
      expect(requests).toEqual([
        {
          handlerId: 'PaymentsService.authorize',
          messageClass: 'PaymentRequested',
          uuid: expect.any(String),
          from: 'orders',
          to: 'payments',
        },
      ]);
      // The reply travelled through the bus as a message of its own.
      expect((await readStatistics(app)).messageTypes.PaymentAuthorized).toEqual({ published: 1, received: 1 });
    });

    it('returns a decline with its reason, and nothing goes to fulfillment', async () => {
      const response = await placeOrder(expensiveOrder).expect(201);

      expect(response.body).toEqual({
        orderId: expect.any(String),
        status: 'declined',
        payment: { approved: false, reason: '120000 cents is over the limit of 100000' },
      });
      const statistics = await readStatistics(app);
      expect(statistics.messageTypes.OrderPlaced).toBeUndefined();
      expect(statistics.handlers['FulfillmentService.onOrderPlaced']).toBeUndefined();
    });
  });

  it('sends OrderPlaced point-to-point: fulfillment alone handles it', async () => {
    await placeOrder(affordableOrder).expect(201);

    const entries = await eventually(async () => {
      const seen = (await readActivity(app)).filter((entry) => entry.messageClass === 'OrderPlaced');
      expect(seen).toHaveLength(1);
      return seen;
    });
    expect(entries).toEqual([
      expect.objectContaining({ handlerId: 'FulfillmentService.onOrderPlaced', to: 'fulfillment' }),
    ]);
    const orderPlacedHandlers = Object.entries((await readStatistics(app)).handlers)
      .filter(([, counters]) => counters.messageClass === 'OrderPlaced')
      .map(([handlerId]) => handlerId);
    expect(orderPlacedHandlers).toEqual(['FulfillmentService.onOrderPlaced']);
  });

  it('broadcasts OrderShipped to every subscriber that takes broadcasts, and orders marks the order shipped', async () => {
    const { body } = await placeOrder(affordableOrder).expect(201);
    const { orderId } = body as { orderId: string };

    await eventually(async () => {
      expect(handlersThatSaw(await readActivity(app), 'OrderShipped')).toEqual([
        'NotificationsService.onOrderShipped',
        'OrdersService.onOrderShipped',
      ]);
    });
    const shipments = (await readActivity(app)).filter((entry) => entry.messageClass === 'OrderShipped');
    expect(shipments.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: 'fulfillment', to: null },
      { from: 'fulfillment', to: null },
    ]);
    await request(app.getHttpServer()).get(`/orders/${orderId}`).expect(200, { orderId, status: 'shipped' });
  });

  it('routes customer notices by sender: a RegExp and a mixed array on `from`', async () => {
    await placeOrder(affordableOrder).expect(201);

    const notices = await eventually(async () => {
      const seen = (await readActivity(app)).filter((entry) => entry.messageClass === 'CustomerNotice');
      expect(seen).toHaveLength(3);
      return seen;
    });
    const senders = (handlerId: string) =>
      notices
        .filter((entry) => entry.handlerId === handlerId)
        .map((entry) => entry.from)
        .sort();
    expect(senders('NotificationsService.emailPaymentNotice')).toEqual(['payments']);
    expect(senders('NotificationsService.addToDailyDigest')).toEqual(['fulfillment', 'orders']);
    const { handlers } = await readStatistics(app);
    expect(handlers['NotificationsService.emailPaymentNotice']).toMatchObject({ delivered: 1, filteredOut: 2 });
    expect(handlers['NotificationsService.addToDailyDigest']).toMatchObject({ delivered: 2, filteredOut: 1 });
  });

  it('refuses an invalid body with 400 and publishes nothing', async () => {
    const response = await placeOrder({ sku: '', quantity: 0, unitPriceCents: 12.5, customerEmail: 'ada' }).expect(400);

    expect(response.body).toMatchObject({
      statusCode: 400,
      message: expect.arrayContaining([
        'sku should not be empty',
        'quantity must not be less than 1',
        'unitPriceCents must be an integer number',
        'customerEmail must be an email',
      ]),
    });
    expect(await readStatistics(app)).toEqual({ messageTypes: {}, handlers: {}, transports: {} });
    expect(await readActivity(app)).toEqual([]);
  });

  it('refuses properties the order does not have', async () => {
    await placeOrder({ ...affordableOrder, discountCents: 500 }).expect(400);

    expect((await readStatistics(app)).messageTypes).toEqual({});
  });
});
