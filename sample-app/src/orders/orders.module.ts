import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { OrdersTable } from './orders-table';

@Module({
  imports: [ActivityModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersTable],
})
export class OrdersModule {}
