import { DynamicModule, Module } from '@nestjs/common';
import { BusMetricsBinding } from './bus-metrics-binding';
import { PrometheusMessageObserver } from './prometheus-message-observer';
import type { PrometheusObserverOptions } from './prometheus-observer-options.interface';
import { PrometheusMetricsController } from './prometheus-metrics.controller';
import { PrometheusMetricsRenderer } from './prometheus-metrics-renderer';

export interface SmartMessagePrometheusOptions extends PrometheusObserverOptions {
  /** Serve the registry at `GET /metrics`. Default false: mount `PrometheusMetricsRenderer` yourself. */
  serveMetrics?: boolean;
}

/**
 * Provides `PrometheusMessageObserver` (hand it to the bus as an observer, through
 * `SmartMessageModule.forRootAsync({ imports, inject, useFactory })`) and `PrometheusMetricsRenderer`.
 * Nothing is registered in any registry unless this module is imported.
 */
@Module({})
export class SmartMessagePrometheusModule {
  static forRoot(options: SmartMessagePrometheusOptions = {}): DynamicModule {
    const { serveMetrics = false, ...observerOptions } = options;
    return {
      module: SmartMessagePrometheusModule,
      providers: [
        { provide: PrometheusMessageObserver, useFactory: () => new PrometheusMessageObserver(observerOptions) },
        PrometheusMetricsRenderer,
        BusMetricsBinding,
      ],
      controllers: serveMetrics ? [PrometheusMetricsController] : [],
      exports: [PrometheusMessageObserver, PrometheusMetricsRenderer],
    };
  }
}
