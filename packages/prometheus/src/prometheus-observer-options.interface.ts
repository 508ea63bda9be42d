import type { Registry } from 'prom-client';

export interface PrometheusObserverOptions {
  /** Where the metrics are registered; prom-client's default registry when absent. */
  registry?: Registry;
  /** Histogram buckets of handler durations, in seconds. */
  durationBuckets?: number[];
  /** Histogram buckets of end-to-end latency (publishedAt to handler start), in seconds. */
  latencyBuckets?: number[];
}
