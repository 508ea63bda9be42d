export * from './postgres-connection.error';
export * from './postgres-migration.error';
