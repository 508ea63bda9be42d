export const MESSAGE_METADATA = 'smart-message:message';
export const DESCRIBE_METADATA = 'smart-message:describe';
export const SUBSCRIBE_METADATA = 'smart-message:subscribe';
export const PUBLISHES_METADATA = 'smart-message:publishes';

/** Handlers run at most this many messages at once unless `concurrency` says otherwise. */
export const DEFAULT_HANDLER_CONCURRENCY = 100;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_TRANSPORT_NAME = 'memory';
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
