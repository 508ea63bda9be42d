import { BenchOrderPlaced } from '../redis/bench-order.message';

/**
 * The subscriber's handler: all it does is hand the order's `seq` on. It has a file of its own
 * because the step table counts every frame of this file as the "handler" step.
 */
export function orderHandler(onOrder: (seq: number) => void): (order: BenchOrderPlaced) => void {
  return function handleOrder(order: BenchOrderPlaced): void {
    onOrder(order.seq);
  };
}
