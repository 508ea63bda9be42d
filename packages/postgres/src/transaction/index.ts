export { SQL_TRANSACTION, sqlTransaction, isSqlTransaction } from './sql-transaction';
export type { SqlTransaction, SqlRow } from './sql-transaction';
export { fromPg } from './from-pg';
export type { PgQueryable } from './from-pg';
export { TransactionRequiredError } from './transaction-required.error';
