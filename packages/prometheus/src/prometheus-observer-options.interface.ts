import type { Registry } from 'prom-client';

export interface PrometheusObserverOptions {
  /** Where the metrics are registered; prom-client's default registry when absent. */
  registry?: Registry;
  /** Histogram buckets of handler durations, in seconds. */
  durationBuckets?: number[];
  /** Histogram buckets of end-to-end latency (publishedAt to handler start), in seconds. */
  latencyBuckets?: number[];
  /**
   * How long a scrape waits for the transports' backlog (`smart_message_queue_depth`,
   * `smart_message_queue_oldest_due_age_seconds`), in ms; a transport that does not answer in
   * time is left out of that scrape rather than holding it. Default 1000.
   */
  backlogTimeoutMs?: number;
}
