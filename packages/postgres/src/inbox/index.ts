export { PostgresInbox } from './postgres-inbox';
export type { PostgresInboxOptions, InboxMessage } from './postgres-inbox';
export { PostgresDeduplicationStore } from './postgres-deduplication-store';
export type { PostgresDeduplicationStoreOptions } from './postgres-deduplication-store';
