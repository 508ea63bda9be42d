import type { SqlRow, SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

const SAVEPOINT = 'smartmessage_publish';
/** SQLSTATE 25P01: SAVEPOINT outside a transaction block. */
const NO_ACTIVE_TRANSACTION = '25P01';

/**
 * Runs one statement inside the caller's transaction, under a savepoint. The savepoint is the
 * check that a transaction is open at all, in any library's terms: outside one, PostgreSQL
 * refuses `SAVEPOINT` (25P01) and nothing has been written. If the statement fails, the
 * transaction is rolled back to the savepoint, so the caller's own work stays usable and the
 * caller decides whether to commit without the message.
 */
export async function runInTransaction(
  transaction: SqlTransaction,
  text: string,
  values: readonly unknown[],
): Promise<SqlRow[]> {
  try {
    await transaction.query(`SAVEPOINT ${SAVEPOINT}`, []);
  } catch (error) {
    if (sqlStateOf(error) === NO_ACTIVE_TRANSACTION)
      throw new TransactionRequiredError(
        `a ${transaction.library} connection with no transaction open`,
        transaction.library === 'pg'
          ? 'run `BEGIN` on the client first, and COMMIT or ROLLBACK it after publishing'
          : `pass the transaction object your ${transaction.library} transaction callback receives, not the root one`,
        { cause: error },
      );
    throw error;
  }
  let rows: SqlRow[];
  try {
    rows = await transaction.query(text, values);
  } catch (error) {
    await transaction.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`, []).catch(() => undefined);
    throw error;
  }
  await transaction.query(`RELEASE SAVEPOINT ${SAVEPOINT}`, []);
  return rows;
}

/** The SQLSTATE of a driver's error: `code` in pg, nested as `meta.code` or in `cause` by some ORMs. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const { code, meta, cause } = current as { code?: unknown; meta?: { code?: unknown }; cause?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    if (typeof meta?.code === 'string' && /^[0-9A-Z]{5}$/.test(meta.code)) return meta.code;
    if (current instanceof Error && /SAVEPOINT can only be used in transaction blocks/.test(current.message))
      return NO_ACTIVE_TRANSACTION;
    current = cause;
  }
  return undefined;
}
