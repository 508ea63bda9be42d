import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { PaymentGateway } from './payment-gateway';
import { PaymentGatewayController } from './payment-gateway.controller';
import { PaymentsService } from './payments.service';

@Module({
  imports: [ActivityModule],
  controllers: [PaymentGatewayController],
  providers: [PaymentsService, PaymentGateway],
})
export class PaymentsModule {}
