import { SmartMessageError } from '../../errors/smart-message.error';

/** A circuit breaker is open: the call was not attempted. */
export class CircuitOpenError extends SmartMessageError {
  readonly code = 'SM_CIRCUIT_OPEN' as const;

  constructor(readonly circuit: string) {
    super(`Circuit ${circuit} is open; the call was not attempted`);
  }
}
