export { Deduplicate } from './deduplicate.decorator';
export { DeduplicationInterceptor } from './deduplication.interceptor';
export { MemoryDeduplicationStore } from './memory-deduplication.store';
export type { MemoryDeduplicationStoreOptions } from './memory-deduplication.store';
export { processOnce } from './process-once';
export type { ProcessOnceOutcome } from './process-once';
export { DEDUPLICATION_STORE, DEFAULT_DEDUPLICATION_SIZE } from './deduplication.constants';
export type { DeduplicateOptions, DeduplicationModuleOptions } from './deduplicate-options.interface';
export type { DeduplicationStore } from './deduplication-store.interface';
