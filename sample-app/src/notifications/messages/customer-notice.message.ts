import { Describe, Message } from '@smart-message/nestjs';
import { IsEmail, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { DURABLE_TRANSPORT } from '../../messaging/transport-names';

/**
 * Several services send this one, each under its own `from`, which is what the notifications
 * handlers filter on. The class names no sender for that reason. Durable, so each notice
 * reaches the customer once, however many notifications instances run, and none is lost.
 */
@Message({ name: 'CustomerNotice', transport: DURABLE_TRANSPORT })
@Describe('Something the customer should hear about their order')
export class CustomerNotice {
  @IsUUID()
  orderId!: string;

  @IsEmail()
  customerEmail!: string;

  @Describe('The text the customer reads')
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  text!: string;
}
