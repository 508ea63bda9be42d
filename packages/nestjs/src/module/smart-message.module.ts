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
import { DEDUPLICATION_STORE } from '../deduplication/deduplication.constants';
import { deduplicationProviders } from './deduplication.providers';
import { SmartMessageModuleOptions } from './module-options.interface';
import { MessageStatistics } from '../statistics/message-statistics';
import { MessageHandlerContextCreator } from './message-handler-context-creator';
import { MessageHandlerExplorer } from './message-handler-explorer';
import { PublisherExplorer } from './publisher-explorer';
import { ModuleInterceptorChain } from './module-interceptor-chain';
import { CircuitBreakerInterceptor } from '../reliability/circuit-breaker/circuit-breaker.interceptor';
import { CircuitBreakerRegistry } from '../reliability/circuit-breaker/circuit-breaker-registry';
import { RetryInterceptor } from '../reliability/retry/retry.interceptor';
import { NestMessageLogger } from './nest-message-logger';
import { DeadLetterQueue } from '../dead-letters/dead-letter-queue';
import {
  connectDeadLetters,
  deadLetterQueueProvider,
  undeliverableWithDeadLetters,
} from './dead-letter-queue.provider';
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
    ...deduplicationProviders,
    ModuleInterceptorChain,
    RetryInterceptor,
    CircuitBreakerInterceptor,
    { provide: CircuitBreakerRegistry, useFactory: (bus: MessageBus) => bus.circuitBreakers, inject: [MessageBus] },
    deadLetterQueueProvider,
    {
      provide: MessageBus,
      useFactory: (options: SmartMessageModuleOptions, deadLetters: DeadLetterQueue | null) =>
        connectDeadLetters(
          new MessageBus({
            ...options,
            logger:
              options.logger === false
                ? undefined
                : (options.logger ?? new NestMessageLogger(undefined, { traceMessages: options.traceMessages })),
            ...undeliverableWithDeadLetters(options, deadLetters),
          }),
          deadLetters,
        ),
      inject: [SMART_MESSAGE_MODULE_OPTIONS, DeadLetterQueue],
    },
    { provide: MessageStatistics, useFactory: (bus: MessageBus) => bus.statistics, inject: [MessageBus] },
    PublisherExplorer,
    { provide: MessageCatalog, useFactory: (bus: MessageBus) => bus.catalog, inject: [MessageBus] },
  ],
  exports: [
    MessageBus,
    DeadLetterQueue,
    MessageStatistics,
    MessageCatalog,
    CircuitBreakerRegistry,
    RetryInterceptor,
    CircuitBreakerInterceptor,
    SMART_MESSAGE_MODULE_OPTIONS,
    DEDUPLICATION_STORE,
  ],
})
export class SmartMessageModule
  extends ConfigurableSmartMessageModule
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  constructor(
    @Inject(MessageBus) private readonly bus: MessageBus,
    @Inject(MessageHandlerExplorer) private readonly explorer: MessageHandlerExplorer,
    @Inject(DeadLetterQueue) private readonly deadLetters: DeadLetterQueue | null,
    @Inject(PublisherExplorer) private readonly publishers: PublisherExplorer,
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
    for (const { publisher, declarations } of this.publishers.explore()) {
      this.bus.catalog.declarePublisher(publisher, declarations);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.bus.shutdown();
    // After the bus: a shutdown that timed out reports abandoned messages as dead letters.
    await this.deadLetters?.close();
  }
}
