import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { FulfillmentService } from './fulfillment.service';

@Module({
  imports: [ActivityModule],
  providers: [FulfillmentService],
})
export class FulfillmentModule {}
