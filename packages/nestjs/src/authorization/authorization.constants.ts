/** Metadata key of `@Authorize()`'s policy on a handler method or class. */
export const AUTHORIZE_METADATA = 'smart-message:authorize';
