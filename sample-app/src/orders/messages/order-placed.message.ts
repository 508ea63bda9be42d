import { Describe, Message } from '@smart-message/nestjs';
import { IsEmail, IsIn, IsInt, IsNotEmpty, IsString, IsUUID, Min } from 'class-validator';
import { DURABLE_TRANSPORT } from '../../messaging/transport-names';
import { ORDER_CURRENCIES, OrderCurrency, orderPlacedV1toV2 } from './order-placed.upcasters';

/**
 * Point-to-point: orders hands a paid order to fulfillment and to nobody else. Paid work: durable.
 * Version 2 added `currency`; fulfillment still reads version 1, which orders services not yet
 * redeployed send, and dead letters or Streams entries written before the change still hold.
 */
@Message({
  name: 'OrderPlaced',
  version: 2,
  from: 'orders',
  to: 'fulfillment',
  transport: DURABLE_TRANSPORT,
  upcast: { 1: orderPlacedV1toV2 },
})
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

  @Describe('Currency of totalCents (version 2; version 1 orders were all in euros)')
  @IsIn(ORDER_CURRENCIES)
  currency!: OrderCurrency;

  @IsEmail()
  customerEmail!: string;
}
