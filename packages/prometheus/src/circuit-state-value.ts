import type { CircuitStateName } from '@smart-message/nestjs';

/**
 * The gauge value of a circuit state: 0 closed, 1 half-open, 2 open. A circuit isolated by hand
 * refuses every call as an open one does, so it reads 2 too.
 */
export function circuitStateValue(state: CircuitStateName): number {
  switch (state) {
    case 'closed':
      return 0;
    case 'half-open':
      return 1;
    case 'open':
    case 'isolated':
      return 2;
  }
}
