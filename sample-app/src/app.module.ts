import { Module, Type, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { logLevelFromEnv } from '@smart-message/pino';
import { LoggerModule } from 'nestjs-pino';
import { ActivityModule } from './activity/activity.module';
import { AdminModule } from './admin/admin.module';
import { BroadcastsModule } from './broadcasts/broadcasts.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { LimitsModule } from './common/limits.module';
import { MessageValidationErrorFilter } from './common/message-validation-error.filter';
import { FulfillmentModule } from './fulfillment/fulfillment.module';
import { HealthModule } from './health/health.module';
import { messagingModule } from './messaging/messaging.config';
import { readMessagingSettings } from './messaging/messaging-settings';
import { MonitoringModule } from './monitoring/monitoring.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';
import { ServiceName } from './services/service-name';
import { entityOf, selectedServices } from './services/selected-services';

const SERVICE_MODULES: Record<ServiceName, Type> = {
  orders: OrdersModule,
  payments: PaymentsModule,
  fulfillment: FulfillmentModule,
  notifications: NotificationsModule,
};

// Read when the module is loaded: which services this process runs decides what it imports.
const services = selectedServices(process.env.SERVICES);

@Module({
  imports: [
    // JSON lines through pino, at LOG_LEVEL (silent under jest unless LOG_LEVEL is set). Message
    // handlers' lines, Nest's Logger included, carry the handled message's correlationId.
    LoggerModule.forRoot({ pinoHttp: { level: logLevelFromEnv(process.env) } }),
    // Two named transports, in memory by default or over Redis; each message type picks one.
    messagingModule(readMessagingSettings(process.env), entityOf(services)),
    // The operator token (SAMPLE_ADMIN_TOKEN) guarding /dead-letters, /payments/gateway and
    // /fulfillment, and the bounds of what the public endpoints keep in memory.
    AdminModule,
    LimitsModule,
    // Every process answers GET /activity, GET /messages/*, /dead-letters and POST /broadcasts.
    ActivityModule,
    MonitoringModule,
    DeadLettersModule,
    // GET /health (liveness) and GET /health/ready (readiness) through @nestjs/terminus.
    HealthModule,
    ...services.map((service) => SERVICE_MODULES[service]),
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
