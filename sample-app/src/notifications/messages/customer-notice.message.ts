import { Describe, Message } from '@smart-message/nestjs';
import { IsEmail, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

/**
 * Several services send this one, each under its own `from`, which is what the notifications
 * handlers filter on. The class names no sender for that reason.
 */
@Message({ name: 'CustomerNotice' })
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
