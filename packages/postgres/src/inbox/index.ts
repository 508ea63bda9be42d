export { PostgresInbox } from './postgres-inbox';
export type { PostgresInboxOptions, InboxMessage } from './postgres-inbox';
