/** Metadata key of `@Retry()` options on a handler method or class. */
export const RETRY_METADATA = 'smart-message:retry';
