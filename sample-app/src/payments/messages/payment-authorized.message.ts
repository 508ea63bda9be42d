import { Describe, Message } from '@smart-message/nestjs';
import { IsBoolean, IsOptional, IsString, IsUUID } from 'class-validator';

/** The reply to `PaymentRequested`; the bus addresses it back to whoever asked. */
@Message({ name: 'PaymentAuthorized', from: 'payments' })
@Describe('Whether payments charged the customer for an order')
export class PaymentAuthorized {
  @IsUUID()
  orderId!: string;

  @Describe('False when the charge was declined')
  @IsBoolean()
  approved!: boolean;

  @Describe('Why the charge was declined')
  @IsOptional()
  @IsString()
  reason?: string;
}
