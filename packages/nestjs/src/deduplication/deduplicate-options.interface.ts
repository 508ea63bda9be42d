import { DeduplicationStore } from './deduplication-store.interface';

/** Options of `@Deduplicate()`. */
export interface DeduplicateOptions {
  /**
   * Processed uuids the memory store keeps for this handler; over it the oldest is forgotten
   * first. Default: the message type's `@Message({ deduplication: { size } })`, else the store's.
   */
  size?: number;
  /** `false` exempts a handler or class from the module-wide deduplication (default true). */
  enabled?: boolean;
}

/** The module option `deduplication`. */
export interface DeduplicationModuleOptions {
  /** Where processed uuids are remembered (default: a MemoryDeduplicationStore of 100 per handler). */
  store?: DeduplicationStore;
  /**
   * Deduplicate every message handler (default true); `false` keeps it to handlers and classes
   * decorated with `@Deduplicate()`, which then use this store.
   */
  allHandlers?: boolean;
}

/** `@Message({ deduplication })`: how handlers of this type remember processed uuids. */
export interface MessageDeduplicationOptions {
  /** Processed uuids the memory store keeps per handler of this type (default: the store's, 100). */
  size?: number;
}
