import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { BenchOrder } from '../shared/bench-order';

/**
 * What a peer's user writes to get the checks our bus makes: class-validator on the order before
 * it is sent, and class-transformer + class-validator on what the handler received.
 */

/** Publish side: the order is already a class instance, so it is validated as it is. */
export function assertValidOrder(order: BenchOrder): void {
  const errors = validateSync(order);
  if (errors.length > 0) throw invalid(errors);
}

/** Receive side: an instance is built from what arrived (plainToInstance) and validated. */
export function validOrderFrom(received: object): BenchOrder {
  const order = plainToInstance(BenchOrder, received);
  const errors = validateSync(order);
  if (errors.length > 0) throw invalid(errors);
  return order;
}

function invalid(errors: ValidationError[]): Error {
  return new Error(`invalid order: ${errors.map((error) => error.toString()).join('; ')}`);
}
