/** Metadata key of `@Deduplicate()` options on a handler method or class. */
export const DEDUPLICATE_METADATA = 'smart-message:deduplicate';

/** Injection token of the module's DeduplicationStore. */
export const DEDUPLICATION_STORE = 'SMART_MESSAGE_DEDUPLICATION_STORE';

/** How many processed uuids the memory store keeps per handler, as the original's DDQ. */
export const DEFAULT_DEDUPLICATION_SIZE = 100;
