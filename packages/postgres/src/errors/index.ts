export * from './postgres-connection.error';
export * from './postgres-migration.error';
export * from './postgres-query.error';
