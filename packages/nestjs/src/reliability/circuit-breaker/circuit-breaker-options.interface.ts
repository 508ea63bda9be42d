export interface CircuitBreakerOptions {
  /** Failures that open the circuit (default 5). */
  threshold?: number;
  /** Count the failures within this window; without it, `threshold` consecutive failures open it. */
  windowMs?: number;
  /** An open circuit lets one trial call through after this long (default 30000 ms). */
  halfOpenAfterMs?: number;
  /** The circuit's name (default: the handler id); handlers naming one circuit share it. */
  name?: string;
}

/** What publishing does while a transport's publish circuit is open. */
export type PublishFallback =
  /** Reject with CircuitOpenError (default). */
  | 'fail'
  /** Put the message in the dead letter queue (reason `circuit-open`) and resolve. */
  | 'dead-letter'
  /** Keep the message in a bounded in-memory outbox, sent in order once the circuit closes, and resolve. */
  | 'outbox';

export interface PublishCircuitBreakerOptions extends Omit<CircuitBreakerOptions, 'name'> {
  fallback?: PublishFallback;
  /** Messages the outbox holds at most; beyond it publishing fails with CircuitOpenError (default 10000). */
  outboxLimit?: number;
}
