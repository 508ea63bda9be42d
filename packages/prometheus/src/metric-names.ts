/** Every metric this package registers; all start with `smart_message_` so they group on a dashboard. */
export const METRIC_NAMES = {
  published: 'smart_message_published_total',
  received: 'smart_message_received_total',
  delivered: 'smart_message_delivered_total',
  filtered: 'smart_message_filtered_total',
  succeeded: 'smart_message_succeeded_total',
  failed: 'smart_message_failed_total',
  retried: 'smart_message_retried_total',
  deadLettered: 'smart_message_dead_lettered_total',
  deduplicated: 'smart_message_deduplicated_total',
  denied: 'smart_message_denied_total',
  handlerDuration: 'smart_message_handler_duration_seconds',
  endToEndLatency: 'smart_message_end_to_end_latency_seconds',
  inFlight: 'smart_message_in_flight',
  circuitBreakerState: 'smart_message_circuit_breaker_state',
  securityEvents: 'smart_message_security_events_total',
} as const;
