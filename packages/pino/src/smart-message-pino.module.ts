import { Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { MessageLoggingInterceptor } from './message-logging.interceptor';
import { PinoMessageLogger } from './pino-message-logger';

/**
 * Provides `PinoMessageLogger` and `MessageLoggingInterceptor` on the application's nestjs-pino
 * logger (`LoggerModule.forRoot()` must be imported by the application). `withPinoLogging()`
 * hands both to `SmartMessageModule.forRootAsync()`.
 */
@Module({
  providers: [
    {
      provide: PinoMessageLogger,
      useFactory: (logger: PinoLogger) => new PinoMessageLogger(logger),
      inject: [PinoLogger],
    },
    MessageLoggingInterceptor,
  ],
  exports: [PinoMessageLogger, MessageLoggingInterceptor],
})
export class SmartMessagePinoModule {}
