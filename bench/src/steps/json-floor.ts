import { BenchOrderPlaced } from '../redis/bench-order.message';

/** Distinct orders cycled through, so no single object's shape or string is cached away. */
const DISTINCT_ORDERS = 1000;

/**
 * The floor of any JSON transport: µs per message of one `JSON.stringify` and one `JSON.parse`
 * of the same order, after a warm-up, in the process that ran the path (not profiled).
 */
export function measureJsonFloor(
  makeOrder: (seq: number, sentAt: number) => BenchOrderPlaced,
  messages: number,
): number {
  const orders = Array.from({ length: DISTINCT_ORDERS }, (_, seq) => makeOrder(seq, performance.now()));
  let checksum = 0;
  const roundTrips = (count: number): void => {
    for (let index = 0; index < count; index++) {
      const text = JSON.stringify(orders[index % DISTINCT_ORDERS]);
      checksum += (JSON.parse(text) as { seq: number }).seq;
    }
  };
  roundTrips(Math.min(messages, 20_000));
  const startedAt = performance.now();
  roundTrips(messages);
  const usPerMessage = ((performance.now() - startedAt) * 1000) / messages;
  // Using the checksum keeps the parse results from being optimized away.
  if (!Number.isFinite(checksum)) throw new Error('unreachable: the checksum is a sum of integers');
  return usPerMessage;
}
