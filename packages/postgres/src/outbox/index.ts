export { PostgresOutbox } from './postgres-outbox';
export type { PostgresOutboxOptions } from './postgres-outbox-options.interface';
export type { OutboxDeadLetter, OutboxDeadLetterReason } from './outbox-dead-letter.interface';
