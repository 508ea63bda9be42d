import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { readMessagingSettings } from './messaging/messaging-settings';
import { selectedServices } from './services/selected-services';

const DEFAULT_PORT = 3000;

async function bootstrap(): Promise<void> {
  // Startup lines wait for the pino logger, whose level comes from LOG_LEVEL (see AppModule).
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGINT and SIGTERM then run the bus's graceful shutdown: handlers in flight finish before exit.
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? DEFAULT_PORT));
  const services = selectedServices(process.env.SERVICES).join(', ');
  const { mode } = readMessagingSettings(process.env);
  NestLogger.log(`Sample shop (${services}; ${mode}) listening on ${await app.getUrl()}`, 'Bootstrap');
}

void bootstrap();
