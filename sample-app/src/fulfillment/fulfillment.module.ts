import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { FulfillmentController } from './fulfillment.controller';
import { FulfillmentService } from './fulfillment.service';
import { WarehouseCatalog } from './warehouse-catalog';

@Module({
  imports: [ActivityModule],
  controllers: [FulfillmentController],
  providers: [FulfillmentService, WarehouseCatalog],
})
export class FulfillmentModule {}
