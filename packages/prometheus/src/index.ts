export { PrometheusMessageObserver } from './prometheus-message-observer';
export type { PrometheusObserverOptions } from './prometheus-observer-options.interface';
export { METRIC_NAMES } from './metric-names';
export { circuitStateValue } from './circuit-state-value';
export { PrometheusMetricsRenderer } from './prometheus-metrics-renderer';
export { PrometheusMetricsController } from './prometheus-metrics.controller';
export { SmartMessagePrometheusModule } from './smart-message-prometheus.module';
export type { SmartMessagePrometheusOptions } from './smart-message-prometheus.module';
