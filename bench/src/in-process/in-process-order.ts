import { IsIn, IsInt, IsNotEmpty, IsNumber, IsString, Min } from 'class-validator';

/**
 * The message every contender sends: the same fields and class-validator rules as the Redis
 * benchmark's order (src/redis/bench-order.message.ts), padded with `notes` to the payload size.
 * It has no `@Message()` and imports nothing of Nest, so the floor's process loads neither; our
 * contender sends a `@Message()` subclass that inherits these rules.
 */
export class InProcessOrder {
  @IsInt()
  @Min(0)
  seq!: number;

  /** performance.now() of the publishing process when the publish call was made. */
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

/** The class a contender sends: InProcessOrder itself or a subclass of it. */
export type OrderType = new () => InProcessOrder;

/** Builds orders of `type` whose JSON is `payloadBytes` long (give or take the digits of seq and sentAt). */
export function orderFactory(payloadBytes: number, type: OrderType): (seq: number, sentAt: number) => InProcessOrder {
  const build = (seq: number, sentAt: number, notes: string): InProcessOrder => {
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
