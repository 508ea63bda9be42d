import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessageBus } from '../bus/message-bus';
import { MessageCatalog } from '../catalog/message-catalog';
import { DEFAULT_TRANSPORT_NAME } from '../constants';
import { SmartMessageModuleOptions } from '../interfaces/module-options.interface';
import { MessageStatistics } from '../statistics/message-statistics';
import { MessageHandlerContextCreator } from './message-handler-context-creator';
import { MessageHandlerExplorer } from './message-handler-explorer';
import { NestMessageLogger } from './nest-message-logger';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableSmartMessageModule,
  OPTIONS_TYPE,
  SMART_MESSAGE_MODULE_OPTIONS,
} from './smart-message.module-definition';

/**
 * Registers the message bus, its transports and every `@Subscribe` handler of the application.
 * Handlers are discovered at module init, transports start delivering at application bootstrap,
 * and shutdown drains handlers before transports close (call `app.enableShutdownHooks()` for signals).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    MessageHandlerExplorer,
    MessageHandlerContextCreator,
    {
      provide: MessageBus,
      useFactory: (options: SmartMessageModuleOptions) =>
        new MessageBus({
          ...options,
          logger: options.logger === false ? undefined : (options.logger ?? new NestMessageLogger()),
        }),
      inject: [SMART_MESSAGE_MODULE_OPTIONS],
    },
    { provide: MessageStatistics, useFactory: (bus: MessageBus) => bus.statistics, inject: [MessageBus] },
    { provide: MessageCatalog, useValue: new MessageCatalog() },
  ],
  exports: [MessageBus, MessageStatistics, MessageCatalog],
})
export class SmartMessageModule
  extends ConfigurableSmartMessageModule
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(MessageHandlerExplorer) private readonly explorer: MessageHandlerExplorer,
  ) {
    super();
  }

  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot({
      ...options,
      transportNames: options.transportNames ?? Object.keys(options.transports ?? { [DEFAULT_TRANSPORT_NAME]: true }),
    });
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  async onModuleInit(): Promise<void> {
    for (const registration of this.explorer.explore()) await this.bus.addHandler(registration);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.bus.shutdown();
  }
}
