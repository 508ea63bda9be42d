import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readMessagingSettings } from './messaging/messaging-settings';
import { selectedServices } from './services/selected-services';

const DEFAULT_PORT = 3000;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** `LOG_LEVEL=debug` also shows every message the bus publishes; the default stops at `log`. */
function logLevelsUpTo(level: string): LogLevel[] {
  const index = LOG_LEVELS.indexOf(level as LogLevel);
  if (index < 0) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  return LOG_LEVELS.slice(0, index + 1);
}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: logLevelsUpTo(process.env.LOG_LEVEL ?? 'log') });
  // SIGINT and SIGTERM then run the bus's graceful shutdown: handlers in flight finish before exit.
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? DEFAULT_PORT));
  const services = selectedServices(process.env.SERVICES).join(', ');
  const { mode } = readMessagingSettings(process.env);
  Logger.log(`Sample shop (${services}; ${mode}) listening on ${await app.getUrl()}`, 'Bootstrap');
}

void bootstrap();
