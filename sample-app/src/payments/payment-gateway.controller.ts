import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { IsBoolean, IsInt, IsOptional, Min } from 'class-validator';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { PaymentGateway, PaymentGatewayState } from './payment-gateway';

class PaymentGatewaySettings {
  @IsOptional() @IsInt() @Min(0) failNext?: number;
  @IsOptional() @IsBoolean() down?: boolean;
}

/** Makes the stand-in payment provider fail, to watch retries and the circuit breaker work. */
@UseGuards(AdminTokenGuard)
@Controller('payments/gateway')
export class PaymentGatewayController {
  constructor(private readonly gateway: PaymentGateway) {}

  @Get()
  status(): PaymentGatewayState {
    return this.gateway.status();
  }

  @Put()
  configure(@Body() settings: PaymentGatewaySettings): PaymentGatewayState {
    return this.gateway.configure(settings);
  }
}
