import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TestingModule, Test } from '@nestjs/testing';
import { MessageBus } from '@smart-message/nestjs';
import {
  HarnessAssertionError,
  HarnessConfigurationError,
  HarnessRunFailedError,
  InjectedFailureError,
  SmartMessageHarness,
  SmartMessageTestingModule,
  TestTransport,
  TestTransportDisconnectedError,
  smartMessageMatchers,
} from '@smart-message/testing';
import {
  OrderPlaced,
  OrdersHandler,
  PaymentRequested,
  PaymentsHandler,
  PriceAsked,
  PriceQuoted,
  ShopModule,
  StockReserved,
} from './fixture-app';

expect.extend(smartMessageMatchers);

const order = (orderId: string, quantity = 1): OrderPlaced => Object.assign(new OrderPlaced(), { orderId, quantity });

async function boot(replaceTransports: boolean): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [ShopModule, SmartMessageTestingModule.forRoot({ replaceTransports })],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('SmartMessageHarness', () => {
  let moduleRef: TestingModule;
  let harness: SmartMessageHarness;
  let bus: MessageBus;

  beforeEach(async () => {
    moduleRef = await boot(true);
    harness = moduleRef.get(SmartMessageHarness);
    bus = moduleRef.get(MessageBus);
  });

  afterEach(() => moduleRef.close());

  it('serves every configured transport name with a test transport', () => {
    expect(bus.transportNames()).toEqual(['orders', 'events']);
    expect(bus.transport('orders')).toBeInstanceOf(TestTransport);
    expect(bus.transport('events')).toBe(harness.transport('events'));
  });

  it('captures a conversation in typed lists, with payload instances and headers', async () => {
    const session = await harness.run(() => bus.publish(order('o-1', 3)));

    const payment = session.handled.single(PaymentRequested);
    expect(payment.payload).toBeInstanceOf(PaymentRequested);
    expect(payment.payload.amountCents).toBe(1500);
    expect(payment.handlerId).toBe('PaymentsHandler.onPaymentRequested');
    const published = session.published.first(OrderPlaced, { orderId: 'o-1' });
    expect(published.payload).toBeInstanceOf(OrderPlaced);
    expect(published.header.from).toBe('shop');
    expect(payment.header.causationId).toBe(published.header.uuid);
    expect(session.published.count()).toBe(2);
    expect(session.received.any(OrderPlaced, (o) => o.quantity === 3)).toBe(true);
    expect(harness).toHavePublished(OrderPlaced, { orderId: 'o-1' });
    expect(harness).toHaveHandled(PaymentRequested, { orderId: 'o-1', amountCents: 1500 });
    expect(harness).not.toHaveFailed(OrderPlaced);
  });

  it('says what was captured when single() or a matcher fails', async () => {
    await harness.run(() => bus.publish(order('o-1')));
    await harness.run(() => bus.publish(order('o-2')));

    expect(() => harness.handled.single(OrderPlaced)).toThrow(HarnessAssertionError);
    expect(() => harness.handled.single(OrderPlaced)).toThrow(
      /exactly one handled OrderPlaced, found 2[\s\S]*"orderId":"o-1"[\s\S]*"orderId":"o-2"/,
    );
    expect(() => harness.published.first(OrderPlaced, { orderId: 'o-9' })).toThrow(/Published \(4\):/);
    expect(() => expect(harness).toHavePublished(OrderPlaced, { orderId: 'o-9' })).toThrow(
      /"orderId":"o-9"[\s\S]*"orderId":"o-2"/,
    );
  });

  it('records replies, and runs return only their own events', async () => {
    await harness.run(() => bus.publish(order('before')));
    let quoted: PriceQuoted | undefined;
    const session = await harness.run(async () => {
      quoted = await bus.request(Object.assign(new PriceAsked(), { sku: 'tea' }), { replyType: PriceQuoted });
    });

    expect(quoted?.cents).toBe(250);
    expect(session.replied.single(PriceQuoted).payload).toMatchObject({ sku: 'tea', cents: 250 });
    expect(session).toHaveReplied(PriceQuoted, { sku: 'tea' });
    expect(session.handled.any(OrderPlaced)).toBe(false);
    expect(harness.handled.any(OrderPlaced)).toBe(true);
  });

  it('rejects a run with every handler error unless errors are allowed', async () => {
    const run = harness.run(() => bus.publishAll([order('bad'), order('ok')]));

    const error = await run.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HarnessRunFailedError);
    expect((error as HarnessRunFailedError).errors.map((e) => e.message)).toEqual(['order bad refused']);
    expect((error as HarnessRunFailedError).session.handled.single(PaymentRequested).payload.orderId).toBe('ok');

    const allowed = await harness.run(() => bus.publish(order('bad')), { allowErrors: true });
    expect(allowed.failed.single(OrderPlaced).error?.message).toBe('order bad refused');
    expect(allowed.deadLettered.single(OrderPlaced).reason).toBe('handler-failed');
  });

  it('records each retry with its error, then the success', async () => {
    moduleRef.get(PaymentsHandler).failuresLeft = 2;
    const session = await harness.run(() => bus.publish(Object.assign(new StockReserved(), { orderId: 'o-1' })));

    expect(session.retried.all(StockReserved).map((entry) => [entry.attempt, entry.error?.message])).toEqual([
      [1, 'stock service busy'],
      [2, 'stock service busy'],
    ]);
    expect(session).toHaveHandled(StockReserved);
  });

  describe('waits', () => {
    it('waitFor resolves at once for what already happened, and later for what happens next', async () => {
      await harness.run(() => bus.publish(order('o-1')));
      await expect(harness.waitFor(PaymentRequested, { orderId: 'o-1' })).resolves.toMatchObject({ kind: 'handled' });

      const later = harness.waitFor(PaymentRequested, (p) => p.orderId === 'o-2');
      await bus.publish(order('o-2'));
      expect((await later).payload.orderId).toBe('o-2');
      await expect(harness.waitFor(OrderPlaced, { orderId: 'o-2' }, { in: 'published' })).resolves.toBeDefined();
    });

    it('waitFor rejects after its timeout, listing what was captured', async () => {
      await harness.run(() => bus.publish(order('o-1')));
      await expect(harness.waitFor(PaymentRequested, { orderId: 'o-9' }, { timeoutMs: 10 })).rejects.toThrow(
        /waiting for handled PaymentRequested with \{"orderId":"o-9"\}[\s\S]*"orderId":"o-1"/,
      );
    });

    it('expectNone fails at once for what already happened, and as soon as it happens', async () => {
      await harness.run(() => bus.publish(order('o-1')));
      await expect(harness.expectNone(OrderPlaced, { withinMs: 1000 })).rejects.toThrow(HarnessAssertionError);

      const none = harness.expectNone(PaymentRequested, { withinMs: 10_000 }, { orderId: 'o-2' });
      await bus.publish(order('o-2'));
      await expect(none).rejects.toThrow(/Expected no handled PaymentRequested with \{"orderId":"o-2"\}/);
      await expect(harness.expectNone(PriceQuoted, { withinMs: 5 })).resolves.toBeUndefined();
    });
  });

  describe('failure injection', () => {
    it('fails the next N calls of a handler, then lets it run', async () => {
      harness.failNext('OrdersHandler.onOrderPlaced', { times: 2 });
      const session = await harness.run(() => bus.publishAll([order('a'), order('b'), order('c')]), {
        allowErrors: true,
      });

      expect(session.failed.all(OrderPlaced).map((entry) => [entry.payload.orderId, entry.error?.constructor])).toEqual(
        [
          ['a', InjectedFailureError],
          ['b', InjectedFailureError],
        ],
      );
      expect(session.deadLettered.count(OrderPlaced)).toBe(2);
      expect(moduleRef.get(OrdersHandler).placed.map((o) => o.orderId)).toEqual(['c']);
    });

    it('slows the next call of a handler; the run waits for it', async () => {
      harness.slowNext(PaymentRequested, { ms: 50 });
      const session = await harness.run(() => bus.publish(order('o-1')), { inactivityMs: 1 });
      expect(session.handled.any(PaymentRequested, { orderId: 'o-1' })).toBe(true);
    });

    it('drops, duplicates, delays and reorders the next deliveries', async () => {
      const orders = harness.transport('orders');
      orders.dropNext();
      await harness.run(() => bus.publish(order('dropped')));
      expect(harness.published.any(OrderPlaced, { orderId: 'dropped' })).toBe(true);
      expect(harness.received.any(OrderPlaced, { orderId: 'dropped' })).toBe(false);

      orders.duplicateNext();
      const twice = await harness.run(() => bus.publish(order('twice')));
      expect(twice.handled.count(OrderPlaced)).toBe(2);
      expect(new Set(twice.received.all(OrderPlaced).map((e) => e.header.uuid)).size).toBe(1);

      orders.delayNext(30);
      const delayed = await harness.run(() => bus.publish(order('late')), { inactivityMs: 1 });
      expect(delayed.handled.any(OrderPlaced, { orderId: 'late' })).toBe(true);

      orders.reorderNext(3);
      const reordered = await harness.run(() => bus.publishAll([order('1'), order('2'), order('3')]));
      expect(reordered.received.all(OrderPlaced).map((e) => e.payload.orderId)).toEqual(['3', '2', '1']);
    });

    it('disconnects and reconnects a transport', async () => {
      const orders = harness.transport('orders');
      orders.disconnect();
      await expect(bus.publish(order('o-1'))).rejects.toThrow(TestTransportDisconnectedError);
      expect((await orders.health()).up).toBe(false);

      orders.reconnect();
      const session = await harness.run(() => bus.publish(order('o-2')));
      expect(session).toHaveHandled(OrderPlaced, { orderId: 'o-2' });
    });

    it('pushes undecodable and invalid frames onto the dead letter path', async () => {
      const session = await harness.run(
        async () => {
          await harness.transport('orders').pushFrame({ messageClass: 'OrderPlaced', payload: '{not json' });
          await harness
            .transport('orders')
            .pushFrame({ messageClass: 'OrderPlaced', payload: '{"orderId":"x","quantity":0}' });
        },
        { allowErrors: true },
      );

      expect(session.deadLettered.all().map((entry) => entry.reason)).toEqual(['undecodable', 'invalid']);
      expect(session.handled.count()).toBe(0);
      await expect(
        harness.run(() => harness.transport('orders').pushFrame({ messageClass: 'OrderPlaced', payload: '[' })),
      ).rejects.toThrow(HarnessRunFailedError);
    });
  });
});

describe('SmartMessageTestingModule capacity and clear()', () => {
  it('keeps the newest entries up to its capacity, and forgets them on clear()', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ShopModule, SmartMessageTestingModule.forRoot({ replaceTransports: true, capacity: 4 })],
    }).compile();
    await moduleRef.init();
    try {
      const harness = moduleRef.get(SmartMessageHarness);
      const bus = moduleRef.get(MessageBus);
      // Each order makes 6 entries: 2 published, 2 received, 2 handled.
      const session = await harness.run(() => bus.publish(order('o-1')));
      expect(session.published.count() + session.received.count() + session.handled.count()).toBe(4);
      expect(harness.handled.single(PaymentRequested).sequence).toBe(6);

      harness.clear();
      expect(harness.published.count()).toBe(0);
      await harness.run(() => bus.publish(order('o-2')));
      expect(harness.handled.single(PaymentRequested).payload.orderId).toBe('o-2');
    } finally {
      await moduleRef.close();
    }
  });
});

describe('SmartMessageTestingModule without replaceTransports', () => {
  it("keeps the application's transports and still captures", async () => {
    const moduleRef = await boot(false);
    try {
      const harness = moduleRef.get(SmartMessageHarness);
      const bus = moduleRef.get(MessageBus);
      expect(bus.transport('orders')).not.toBeInstanceOf(TestTransport);
      expect(() => harness.transport('orders')).toThrow(HarnessConfigurationError);

      const session = await harness.run(() => bus.publish(order('o-1')));
      expect(session).toHaveHandled(PaymentRequested, { orderId: 'o-1' });
    } finally {
      await moduleRef.close();
    }
  });
});
