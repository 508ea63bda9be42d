import { IsIn, IsInt, IsNumber, IsString, IsNotEmpty, Min } from 'class-validator';
import { Message } from '@smart-message/nestjs';

/**
 * The message every contender sends: a six-field order DTO with class-validator rules (our
 * contenders validate it on publish and on receipt), padded with `notes` to the payload size.
 * `seq` and `sentAt` let the receiver record latency without any side channel.
 */
@Message({ name: 'BenchOrderPlaced', description: 'Benchmark order; sentAt is performance.now() at publish' })
export class BenchOrderPlaced {
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

/** What a receiver reads from any contender's message. */
export interface ReceivedOrder {
  seq: number;
  sentAt: number;
}

/** Builds orders whose JSON is `payloadBytes` long (give or take the digits of seq and sentAt). */
export function orderFactory(payloadBytes: number): (seq: number, sentAt: number) => BenchOrderPlaced {
  const build = (seq: number, sentAt: number, notes: string): BenchOrderPlaced => {
    const order = new BenchOrderPlaced();
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
