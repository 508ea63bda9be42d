import { SmartMessagePrometheusModule } from '@smart-message/prometheus';

/**
 * Prometheus metrics of the bus at GET /metrics, in prom-client's default registry (so metrics
 * the app adds there are served too). Built once: the bus's options and the route share it.
 */
export const metricsModule = SmartMessagePrometheusModule.forRoot({ serveMetrics: true });
