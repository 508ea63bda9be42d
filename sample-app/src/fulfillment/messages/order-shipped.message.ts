import { Describe, Message } from '@smart-message/nestjs';
import { IsNotEmpty, IsString, IsUUID } from 'class-validator';
import { DURABLE_TRANSPORT } from '../../messaging/transport-names';

/**
 * A broadcast: no `to`, so every subscriber that accepts broadcasts hears about it. Durable all
 * the same: orders keeps the order's status by it, and each service gets its copy on Streams.
 */
@Message({ name: 'OrderShipped', from: 'fulfillment', transport: DURABLE_TRANSPORT })
@Describe('An order left the warehouse')
export class OrderShipped {
  @IsUUID()
  orderId!: string;

  @Describe('Carrier tracking number')
  @IsString()
  @IsNotEmpty()
  trackingNumber!: string;
}
