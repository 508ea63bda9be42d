/**
 * `@smart-message/postgres`: a durable SmartMessage transport on PostgreSQL tables.
 *
 * @packageDocumentation
 */
export { PostgresTransport } from './postgres.transport';
export type { PostgresTransportOptions } from './interfaces/postgres-transport-options.interface';
export { postgresMigrationSql, POSTGRES_SCHEMA_VERSION } from './schema/migrations';
export { DEFAULT_SCHEMA } from './schema/schema-name';
export * from './errors';
export * from './transaction';
export { PostgresDeadLetterStore } from './dead-letters/postgres-dead-letter.store';
export type { PostgresDeadLetterStoreOptions } from './dead-letters/postgres-dead-letter-store-options.interface';
export type {
  PostgresMaintenanceOptions,
  PostgresMaintenanceReport,
  PostgresRetentionOptions,
} from './maintenance/postgres-maintenance-options.interface';
export * from './outbox';
export * from './inbox';
