import { fromPg, isPgClient, isPgPool } from './from-pg';
import { isSqlTransaction, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

/** The fix an unrecognised transaction object gets: the adapters there are. */
export const ADAPTER_FIX =
  'pass the client you ran BEGIN on (pg), or wrap your library’s transaction object with its adapter from ' +
  '@smart-message/postgres: fromPg(client), fromTypeOrm(entityManager), fromPrisma(tx), fromMikroOrm(em), ' +
  'fromKnex(trx) or fromDrizzle(tx)';

/**
 * The `SqlTransaction` for what a caller passed as `transaction`: an adapter's result as it is,
 * a `pg` client wrapped with `fromPg`; anything else is refused. Whether a transaction is in
 * fact open is checked when the statement runs (`runInTransaction`).
 */
export function resolveTransaction(transaction: object): SqlTransaction {
  if (isSqlTransaction(transaction)) return transaction;
  if (isPgPool(transaction))
    throw new TransactionRequiredError(
      'a pg Pool',
      'take a client with `const client = await pool.connect()`, run `BEGIN` on it, and pass the client',
    );
  if (isPgClient(transaction)) return fromPg(transaction);
  throw new TransactionRequiredError(`an object no adapter recognises (${describe(transaction)})`, ADAPTER_FIX);
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name.slice(0, 64)}` : 'a plain object';
}
