import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { PaymentsService } from './payments.service';

@Module({
  imports: [ActivityModule],
  providers: [PaymentsService],
})
export class PaymentsModule {}
