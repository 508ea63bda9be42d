import { isPgClient } from './from-pg';
import { sqlTransaction, type SqlRow, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

/** Drizzle marks each class with a static `[Symbol.for('drizzle:entityKind')]` name. */
const ENTITY_KIND = Symbol.for('drizzle:entityKind');
const FIX = 'pass the `tx` that `db.transaction(async (tx) => …)` gives you';

/** What `fromDrizzle` needs of a Drizzle transaction. Structural, so drizzle-orm is never loaded. */
export interface DrizzleTransactionLike {
  readonly _: { readonly session: unknown };
}

/**
 * The transaction of a Drizzle `tx` (drizzle-orm 0.45, `drizzle-orm/node-postgres`): the one
 * `db.transaction(async (tx) => …)` gives you, nested ones included. Refuses the root `db`.
 * Drizzle's own `tx.execute(sql.raw(text))` cannot bind values, so statements go to the `pg`
 * client the transaction's session holds (the one Drizzle ran `begin` on), with values bound by
 * the driver — the same connection and transaction as the rest of `tx`.
 */
export function fromDrizzle(tx: DrizzleTransactionLike): SqlTransaction {
  const kinds = drizzleKinds(tx);
  if (!kinds.includes('PgTransaction'))
    throw new TransactionRequiredError(
      kinds.includes('PgDatabase') ? 'the root Drizzle database' : 'an object that is not a Drizzle transaction',
      FIX,
    );
  const client = (tx._?.session as { client?: unknown } | undefined)?.client;
  if (typeof client !== 'object' || client === null || !isPgClient(client))
    throw new TransactionRequiredError(
      'a Drizzle transaction on a driver other than node-postgres',
      'use drizzle-orm/node-postgres, or wrap your driver’s transaction with sqlTransaction(library, query)',
    );
  return sqlTransaction('drizzle', async (text, values) => (await client.query(text, [...values])).rows as SqlRow[]);
}

/** The Drizzle entity kinds along `value`'s class chain (`NodePgTransaction`, `PgTransaction`, `PgDatabase`). */
export function drizzleKinds(value: object): string[] {
  const kinds: string[] = [];
  for (let proto = Object.getPrototypeOf(value) as object | null; proto; proto = Object.getPrototypeOf(proto)) {
    const kind = (proto.constructor as unknown as Record<symbol, unknown> | undefined)?.[ENTITY_KIND];
    if (typeof kind === 'string' && !kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}
