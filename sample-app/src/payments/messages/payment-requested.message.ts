import { Describe, Message } from '@smart-message/nestjs';
import { IsEmail, IsInt, IsUUID, Min } from 'class-validator';
import { DURABLE_TRANSPORT } from '../../messaging/transport-names';

/** The request half of request–reply: orders asks payments, which answers with `PaymentAuthorized`. */
@Message({
  name: 'PaymentRequested',
  from: 'orders',
  to: 'payments',
  transport: DURABLE_TRANSPORT,
  serializer: 'json+a256gcm',
  // Payment traffic must be signed and encrypted: anything else is refused before it is read.
  receive: { requireSigned: true, requireEncrypted: true },
})
@Describe('Orders asks payments to charge the customer for an order')
export class PaymentRequested {
  @IsUUID()
  orderId!: string;

  @IsEmail()
  customerEmail!: string;

  @Describe('Amount to charge, in cents')
  @IsInt()
  @Min(1)
  totalCents!: number;
}
