import { IsIn, IsInt, IsNotEmpty, IsNumber, IsString, Min } from 'class-validator';

/**
 * The order every benchmark sends: a six-field DTO with class-validator rules, padded with `notes`
 * to the payload size. `seq` and `sentAt` let the receiver record latency without any side channel.
 * It has no `@Message()` and imports nothing of Nest, so a process that sends it as it is (the
 * in-process floor) loads neither; a `@Message()` subclass inherits these rules.
 */
export class BenchOrder {
  @IsInt()
  @Min(0)
  seq!: number;

  /** performance.now() of the publishing process when the publish call was made (or was due). */
  @IsNumber()
  sentAt!: number;

  @IsString()
  @IsNotEmpty()
  orderId!: string;

  @IsString()
  @IsNotEmpty()
  customer!: string;

  @IsNumber()
  @Min(0)
  amount!: number;

  @IsIn(['EUR', 'USD', 'GBP'])
  currency!: string;

  @IsString()
  notes!: string;
}

/** The class a benchmark sends: BenchOrder itself or a subclass of it. */
export type OrderType<Order extends BenchOrder = BenchOrder> = new () => Order;

/** Builds orders of `type` whose JSON is `payloadBytes` long (give or take the digits of seq and sentAt). */
export function orderFactory<Order extends BenchOrder>(
  payloadBytes: number,
  type: OrderType<Order>,
): (seq: number, sentAt: number) => Order {
  const build = (seq: number, sentAt: number, notes: string): Order => {
    const order = new type();
    order.seq = seq;
    order.sentAt = sentAt;
    order.orderId = `ord-${seq}`;
    order.customer = 'customer-4711';
    order.amount = 129.95;
    order.currency = 'EUR';
    order.notes = notes;
    return order;
  };
  const bare = JSON.stringify(build(100_000, 123_456.789_012, '')).length;
  const notes = 'x'.repeat(Math.max(0, payloadBytes - bare));
  return (seq, sentAt) => build(seq, sentAt, notes);
}
