import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CircuitOpenError, MemoryTransport, MessageBus, SmartMessageModule } from '@smart-message/nestjs';
import {
  METRIC_NAMES,
  PrometheusMessageObserver,
  PrometheusMetricsRenderer,
  SmartMessagePrometheusModule,
  SmartMessagePrometheusOptions,
} from '@smart-message/prometheus';
import { waitFor } from '@smart-message/testing';
import { register as defaultRegistry, Registry } from 'prom-client';
import request from 'supertest';
import { order, Warehouse } from './support/order-handlers';
import { sampleValue, scrapedSamples } from './support/scraped-samples';

const smartMessageMetrics = async (registry: Registry): Promise<string[]> =>
  (await registry.getMetricsAsJSON()).map((metric) => metric.name).filter((name) => name.startsWith('smart_message_'));

async function boot(prometheus?: SmartMessagePrometheusOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      prometheus
        ? SmartMessageModule.forRootAsync({
            imports: [SmartMessagePrometheusModule.forRoot(prometheus)],
            inject: [PrometheusMessageObserver],
            useFactory: (observer: PrometheusMessageObserver) => ({
              logger: false,
              transports: { orders: new MemoryTransport() },
              observers: [observer],
            }),
          })
        : SmartMessageModule.forRoot({ logger: false, transports: { orders: new MemoryTransport() } }),
    ],
    providers: [Warehouse],
  }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  return app;
}

describe('SmartMessagePrometheusModule registration', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('registers nothing when the module is not used, even with messages flowing', async () => {
    app = await boot();
    await app.get(MessageBus).publish(order('a'), { to: 'warehouse' });
    await waitFor(() => app?.get(Warehouse).packed.length === 1, 'the order packed');

    expect(await smartMessageMetrics(defaultRegistry)).toEqual([]);
  });

  it("uses prom-client's default registry when given none, and leaves it when the application closes", async () => {
    app = await boot({});
    expect((await smartMessageMetrics(defaultRegistry)).sort()).toEqual(Object.values(METRIC_NAMES).sort());

    await app.close();
    app = undefined;
    expect(await smartMessageMetrics(defaultRegistry)).toEqual([]);
  });

  it('reports each circuit breaker state: 0 closed, 2 open', async () => {
    const registry = new Registry();
    app = await boot({ registry });
    const breakers = app.get(MessageBus).circuitBreakers;
    await breakers.execute('pricing', {}, () => Promise.resolve('ok'));
    await expect(
      breakers.execute('inventory', { threshold: 1 }, () => Promise.reject(new Error('inventory down'))),
    ).rejects.toThrow('inventory down');

    const samples = scrapedSamples(await registry.metrics());
    expect(sampleValue(samples, METRIC_NAMES.circuitBreakerState, { circuit: 'pricing' })).toBe(0);
    expect(sampleValue(samples, METRIC_NAMES.circuitBreakerState, { circuit: 'inventory' })).toBe(2);
  });

  it('reports a circuit trying its one call after being open as half-open: 1', async () => {
    const registry = new Registry();
    app = await boot({ registry });
    const breakers = app.get(MessageBus).circuitBreakers;
    const options = { threshold: 1, halfOpenAfterMs: 10 };
    await expect(breakers.execute('inventory', options, () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    let finishTrial = (): void => undefined;
    const trialCall = new Promise<void>((resolve) => (finishTrial = resolve));
    let trial: Promise<void> | undefined;
    // Calls are refused until the circuit lets one trial call through; that one is kept waiting.
    await waitFor(async () => {
      const attempt = breakers.execute('inventory', options, () => trialCall);
      const refused = await Promise.race([
        attempt.then(
          () => false,
          (error: unknown) => error instanceof CircuitOpenError,
        ),
        new Promise<false>((resolve) => setImmediate(() => resolve(false))),
      ]);
      if (!refused) trial = attempt;
      return !refused;
    }, 'a trial call let through');

    const scrapedState = async (): Promise<number | undefined> =>
      sampleValue(scrapedSamples(await registry.metrics()), METRIC_NAMES.circuitBreakerState, { circuit: 'inventory' });
    expect(await scrapedState()).toBe(1);
    finishTrial();
    await trial;
    expect(await scrapedState()).toBe(0);
  });

  it('serves the text format at GET /metrics when asked to, and renders it for a route of your own', async () => {
    const registry = new Registry();
    app = await boot({ registry, serveMetrics: true });
    await app.get(MessageBus).publish(order('b'));

    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const samples = scrapedSamples(response.text);
    expect(
      sampleValue(samples, METRIC_NAMES.published, {
        message_type: 'MetricOrder',
        transport: 'orders',
        outcome: 'sent',
      }),
    ).toBe(1);
    expect(await app.get(PrometheusMetricsRenderer).render()).toContain(METRIC_NAMES.published);
  });

  it('mounts no route unless asked to', async () => {
    app = await boot({ registry: new Registry() });
    await request(app.getHttpServer()).get('/metrics').expect(404);
  });
});
