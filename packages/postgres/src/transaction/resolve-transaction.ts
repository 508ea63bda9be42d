import { drizzleKinds, fromDrizzle, type DrizzleTransactionLike } from './from-drizzle';
import { fromKnex, isKnexObject } from './from-knex';
import { fromMikroOrm, isMikroOrmEntityManager } from './from-mikro-orm';
import { fromPg, isPgClient, isPgPool } from './from-pg';
import { fromPrisma, isPrismaClient } from './from-prisma';
import { fromTypeOrm, isTypeOrmQueryRunner, typeOrmKind } from './from-typeorm';
import { isSqlTransaction, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

/** The fix an unrecognised transaction object gets: the adapters there are. */
export const ADAPTER_FIX =
  'pass the client you ran BEGIN on (pg), or wrap your library’s transaction object with its adapter from ' +
  '@smart-message/postgres: fromPg(client), fromTypeOrm(entityManager), fromPrisma(tx), fromMikroOrm(em), ' +
  'fromKnex(trx) or fromDrizzle(tx)';

/**
 * The `SqlTransaction` for what a caller passed as `transaction`: an adapter's result as it is;
 * a library's own transaction object wrapped with its adapter when it is recognisable beyond
 * doubt (a `pg` client, a TypeORM `EntityManager` or `QueryRunner`, a Prisma transaction client, a MikroORM
 * `EntityManager`, a Knex `trx`, a Drizzle `tx`); anything else is refused. A library's root
 * object (a `DataSource`, `PrismaClient`, `knex`, Drizzle `db`, a `Pool`) is recognised too, and
 * refused by its adapter. Whether a transaction is in fact open is checked again when the
 * statement runs (`runInTransaction`). The ORM checks come before the `pg` ones because some ORM
 * objects also have a `query` method.
 */
export function resolveTransaction(transaction: object): SqlTransaction {
  if (isSqlTransaction(transaction)) return transaction;
  if (typeOrmKind(transaction)) return fromTypeOrm(transaction);
  if (isTypeOrmQueryRunner(transaction)) return fromTypeOrm(transaction.manager);
  if (drizzleKinds(transaction).length > 0) return fromDrizzle(transaction as DrizzleTransactionLike);
  if (isPrismaClient(transaction)) return fromPrisma(transaction);
  if (isMikroOrmEntityManager(transaction)) return fromMikroOrm(transaction);
  if (isKnexObject(transaction)) return fromKnex(transaction);
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
