import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessageBus } from '../bus/message-bus';
import { SmartMessageModuleOptions } from '../interfaces/module-options.interface';
import { MessageHandlerContextCreator } from '../module/message-handler-context-creator';
import { SMART_MESSAGE_MODULE_OPTIONS } from '../module/smart-message.module-definition';
import { DEDUPLICATION_STORE } from './deduplication.constants';
import { DeduplicationStore } from './deduplication-store.interface';
import { DeduplicationInterceptor } from './deduplication.interceptor';
import { MemoryDeduplicationStore } from './memory-deduplication.store';

/**
 * Applies the module option `deduplication` to every handler. It runs at module init, before
 * the module discovers handlers (a module's own init hook runs after its providers').
 */
@Injectable()
export class DeduplicationDefaults implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SMART_MESSAGE_MODULE_OPTIONS) private readonly options: SmartMessageModuleOptions,
    @Inject(DEDUPLICATION_STORE) private readonly store: DeduplicationStore,
    private readonly contextCreator: MessageHandlerContextCreator,
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
  ) {}

  onModuleInit(): void {
    const deduplication = this.options.deduplication;
    if (!deduplication || deduplication.allHandlers === false) return;
    this.contextCreator.addGlobalEnhancers({
      interceptors: [new DeduplicationInterceptor(this.reflector, this.bus, this.store)],
    });
  }

  /** After the bus drained its handlers (before-shutdown), nothing uses the store any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}

/** What SmartMessageModule registers for deduplication; it exports DEDUPLICATION_STORE for `@Deduplicate()`. */
export const deduplicationProviders: Provider[] = [
  {
    provide: DEDUPLICATION_STORE,
    useFactory: (options: SmartMessageModuleOptions): DeduplicationStore =>
      options.deduplication?.store ?? new MemoryDeduplicationStore(),
    inject: [SMART_MESSAGE_MODULE_OPTIONS],
  },
  DeduplicationDefaults,
];
