import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { SmartMessageModuleOptions } from './module-options.interface';
import { SMART_MESSAGE_MODULE_OPTIONS } from './smart-message.module-definition';
import { DEDUPLICATION_STORE } from '../deduplication/deduplication.constants';
import { DeduplicationStore } from '../deduplication/deduplication-store.interface';
import { MemoryDeduplicationStore } from '../deduplication/memory-deduplication.store';

/** Closes the module's deduplication store (the module-wide interceptor is in `ModuleInterceptorChain`). */
@Injectable()
export class DeduplicationStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DEDUPLICATION_STORE) private readonly store: DeduplicationStore) {}

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
  DeduplicationStoreLifecycle,
];
