import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  allowFrom,
  Authorize,
  MemoryTransport,
  MessageBus,
  SmartMessageModule,
  Subscribe,
} from '@smart-message/nestjs';
import { PrometheusMessageObserver, SmartMessagePrometheusModule } from '@smart-message/prometheus';
import { waitFor } from '@smart-message/testing';
import { Registry } from 'prom-client';
import { MetricOrder, order } from './support/order-handlers';
import { sampleValue, scrapedSamples } from './support/scraped-samples';

/** Takes orders from the shop only: the claimed sender is the label-free reason it refuses the rest. */
@Injectable()
class Refunds {
  readonly refunded: string[] = [];

  @Subscribe()
  @Authorize(allowFrom('shop'))
  refund(message: MetricOrder): void {
    this.refunded.push(message.id);
  }
}

describe('PrometheusMessageObserver and authorization denies', () => {
  it('counts denies per handler and dead letters under reason unauthorized, with bounded labels', async () => {
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRootAsync({
          imports: [SmartMessagePrometheusModule.forRoot({ registry })],
          inject: [PrometheusMessageObserver],
          useFactory: (observer: PrometheusMessageObserver) => ({
            logger: false,
            transports: { orders: new MemoryTransport() },
            observers: [observer],
            deadLetters: false,
          }),
        }),
      ],
      providers: [Refunds],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const bus = app.get(MessageBus);
      await bus.publish(order('ok'));
      await bus.publish(order('forged-1'), { from: 'mallory' });
      await bus.publish(order('forged-2'), { from: 'eve' });
      await waitFor(() => bus.statistics.forHandler('Refunds.refund')?.denied === 2, 'two denies');
      await waitFor(() => app.get(Refunds).refunded.length === 1, 'one refund');

      const scrape = await registry.metrics();
      const samples = scrapedSamples(scrape);
      const handler = { message_type: 'MetricOrder', handler: 'Refunds.refund' };
      expect(sampleValue(samples, 'smart_message_denied_total', handler)).toBe(2);
      expect(sampleValue(samples, 'smart_message_delivered_total', handler)).toBe(1);
      expect(
        sampleValue(samples, 'smart_message_dead_lettered_total', {
          message_type: 'MetricOrder',
          transport: 'orders',
          reason: 'unauthorized',
        }),
      ).toBe(2);
      // The claimed senders never become label values.
      expect(scrape).not.toMatch(/mallory/);
    } finally {
      await app.close();
    }
  });
});
