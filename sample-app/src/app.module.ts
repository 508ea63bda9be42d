import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { SmartMessageModule } from '@smart-message/nestjs';
import { ActivityModule } from './activity/activity.module';
import { BroadcastsModule } from './broadcasts/broadcasts.module';
import { MessageValidationErrorFilter } from './common/message-validation-error.filter';
import { FulfillmentModule } from './fulfillment/fulfillment.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';

@Module({
  imports: [
    // No `transports`: the bus runs on one in-memory transport named `memory`, created per application.
    SmartMessageModule.forRoot({
      entity: 'shop',
      // jest sets NODE_ENV=test; the tests read outcomes from /activity and /messages/stats, not from logs.
      logger: process.env.NODE_ENV === 'test' ? false : undefined,
    }),
    ActivityModule,
    MonitoringModule,
    OrdersModule,
    PaymentsModule,
    FulfillmentModule,
    NotificationsModule,
    BroadcastsModule,
  ],
  providers: [
    // Registered as providers rather than in main.ts so that tests booting AppModule get them too.
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
    },
    { provide: APP_FILTER, useClass: MessageValidationErrorFilter },
  ],
})
export class AppModule {}
