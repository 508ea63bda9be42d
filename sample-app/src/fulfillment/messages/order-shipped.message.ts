import { Describe, Message } from '@smart-message/nestjs';
import { IsNotEmpty, IsString, IsUUID } from 'class-validator';

/** A broadcast: no `to`, so every subscriber that accepts broadcasts hears about it. */
@Message({ name: 'OrderShipped', from: 'fulfillment' })
@Describe('An order left the warehouse')
export class OrderShipped {
  @IsUUID()
  orderId!: string;

  @Describe('Carrier tracking number')
  @IsString()
  @IsNotEmpty()
  trackingNumber!: string;
}
