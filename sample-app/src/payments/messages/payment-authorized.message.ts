import { Describe, Message } from '@smart-message/nestjs';
import { IsBoolean, IsOptional, IsString, IsUUID } from 'class-validator';
import { BROADCAST_TRANSPORT } from '../../messaging/transport-names';

/**
 * The reply to `PaymentRequested`; the bus addresses it back to whoever asked. It travels on
 * pub/sub: the very instance that waits must get it, and on Streams it would go to any one
 * instance of the requesting service.
 */
@Message({
  name: 'PaymentAuthorized',
  from: 'payments',
  transport: BROADCAST_TRANSPORT,
  serializer: 'json+a256gcm',
  // Payment traffic must be signed and encrypted: anything else is refused before it is read.
  receive: { requireSigned: true, requireEncrypted: true },
})
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
