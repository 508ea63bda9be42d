import { SmartMessageModule, SmartMessageModuleOptions } from '@smart-message/nestjs';
import { MessageLoggingInterceptor } from './message-logging.interceptor';
import { PinoMessageLogger } from './pino-message-logger';
import { SmartMessagePinoModule } from './smart-message-pino.module';

/** What `SmartMessageModule.forRootAsync()` takes. */
export type SmartMessageAsyncOptions = Parameters<typeof SmartMessageModule.forRootAsync>[0];

/** `forRootAsync()` options with a factory: the form `withPinoLogging()` can extend. */
export type SmartMessageFactoryOptions = Omit<SmartMessageAsyncOptions, 'useClass' | 'useExisting' | 'useFactory'> & {
  useFactory: (...args: never[]) => SmartMessageModuleOptions | Promise<SmartMessageModuleOptions>;
};

/**
 * Extends `SmartMessageModule.forRootAsync()` options so the bus logs through the application's
 * nestjs-pino logger and every handler runs with the message's fields bound to its log lines.
 * A `logger` the factory returns wins (`false` silences the library but keeps the binding);
 * `MessageLoggingInterceptor` goes before the factory's own message interceptors.
 */
export function withPinoLogging(options: SmartMessageFactoryOptions): SmartMessageAsyncOptions {
  const { imports = [], inject = [], useFactory, ...extras } = options;
  const factory = useFactory as (...args: unknown[]) => SmartMessageModuleOptions | Promise<SmartMessageModuleOptions>;
  return {
    ...extras,
    imports: [...imports, SmartMessagePinoModule],
    inject: [PinoMessageLogger, MessageLoggingInterceptor, ...inject],
    useFactory: async (
      logger: PinoMessageLogger,
      interceptor: MessageLoggingInterceptor,
      ...args: unknown[]
    ): Promise<SmartMessageModuleOptions> => {
      const moduleOptions = await factory(...args);
      const enhancers = moduleOptions.enhancers ?? {};
      return {
        ...moduleOptions,
        logger: moduleOptions.logger === undefined ? logger : moduleOptions.logger,
        enhancers: { ...enhancers, interceptors: [interceptor, ...(enhancers.interceptors ?? [])] },
      };
    },
  };
}
