/** Metadata key of `@CircuitBreaker()` options on a handler method or class. */
export const CIRCUIT_BREAKER_METADATA = 'smart-message:circuit-breaker';
