import { Describe, Message } from '@smart-message/nestjs';
import { IsEmail, IsInt, IsNotEmpty, IsString, IsUUID, Min } from 'class-validator';
import { DURABLE_TRANSPORT } from '../../messaging/transport-names';

/** Point-to-point: orders hands a paid order to fulfillment and to nobody else. Paid work: durable. */
@Message({ name: 'OrderPlaced', from: 'orders', to: 'fulfillment', transport: DURABLE_TRANSPORT })
@Describe('A paid order, ready to be packed and shipped')
export class OrderPlaced {
  @Describe('Id the orders service gave the order')
  @IsUUID()
  orderId!: string;

  @Describe('Stock keeping unit of the ordered item')
  @IsString()
  @IsNotEmpty()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;

  @Describe('What the customer paid, in cents')
  @IsInt()
  @Min(1)
  totalCents!: number;

  @IsEmail()
  customerEmail!: string;
}
