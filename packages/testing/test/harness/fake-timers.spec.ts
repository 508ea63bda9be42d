import 'reflect-metadata';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { MessageBus } from '@smart-message/nestjs';
import { SmartMessageHarness, SmartMessageTestingModule } from '@smart-message/testing';
import { InvoiceRequested, OrderPlaced, PaymentsHandler, ShopModule } from './fixture-app';

describe('the harness under jest modern fake timers', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs while the test advances the retry backoff and injected delays', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ShopModule, SmartMessageTestingModule.forRoot({ replaceTransports: true })],
    }).compile();
    await moduleRef.init();
    const harness = moduleRef.get(SmartMessageHarness);
    const bus = moduleRef.get(MessageBus);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const retried = harness.run(() => bus.publish(Object.assign(new InvoiceRequested(), { orderId: 'o-1' })));
      await harness.waitFor(InvoiceRequested, undefined, { in: 'retried' });
      expect(harness.retried.single(InvoiceRequested).delayMs).toBe(60_000);
      expect(harness.handled.any(InvoiceRequested)).toBe(false);
      await jest.advanceTimersByTimeAsync(60_000);
      const session = await retried;
      expect(session.handled.single(InvoiceRequested).attempt).toBe(2);
      expect(moduleRef.get(PaymentsHandler).invoiceCalls).toBe(2);

      harness.transport('orders').delayNext(3_600_000);
      const delayed = harness.run(() => bus.publish(Object.assign(new OrderPlaced(), { orderId: 'o-2', quantity: 1 })));
      await jest.advanceTimersByTimeAsync(3_600_000);
      expect((await delayed).handled.any(OrderPlaced, { orderId: 'o-2' })).toBe(true);
    } finally {
      jest.useRealTimers();
      await moduleRef.close();
    }
  });
});
