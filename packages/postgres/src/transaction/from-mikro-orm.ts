import { isKnexObject, knexRaw, type KnexTransactionLike } from './from-knex';
import { sqlTransaction, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

/**
 * What `fromMikroOrm` needs of a MikroORM `EntityManager` (`@mikro-orm/postgresql` 6). Structural,
 * so MikroORM is never loaded by this package.
 */
export interface MikroOrmEntityManagerLike {
  isInTransaction(): boolean;
  getTransactionContext<T = unknown>(): T | undefined;
  getConnection(): unknown;
}

/**
 * The transaction of a MikroORM `EntityManager`: the `em` that `em.transactional(async (em) => …)`
 * (or `@Transactional()`) hands you, or a fork after `em.begin()`. Refuses an `em` with no
 * transaction open. Statements run on the transaction's Knex context
 * (`em.getTransactionContext()`), so values are bound by the driver; MikroORM's own
 * `connection.execute(sql, params)` would format them into the text instead.
 */
export function fromMikroOrm(em: MikroOrmEntityManagerLike): SqlTransaction {
  const fix = 'pass the `em` that `em.transactional(async (em) => …)` gives you, or call `em.begin()` first';
  if (!em.isInTransaction())
    throw new TransactionRequiredError('a MikroORM EntityManager with no transaction open', fix);
  const context = em.getTransactionContext<object>();
  if (!context || !isKnexObject(context) || (context as KnexTransactionLike).isTransaction !== true)
    throw new TransactionRequiredError(
      'a MikroORM EntityManager whose transaction is not a Knex one (only the SQL drivers, such as @mikro-orm/postgresql, are supported)',
      fix,
    );
  const trx = context as KnexTransactionLike;
  return sqlTransaction('mikro-orm', (text, values) => knexRaw(trx, text, values));
}

/** A MikroORM EntityManager, in or out of a transaction. */
export function isMikroOrmEntityManager(value: object): value is MikroOrmEntityManagerLike {
  const candidate = value as Partial<Record<keyof MikroOrmEntityManagerLike | 'fork', unknown>>;
  return (
    typeof candidate.isInTransaction === 'function' &&
    typeof candidate.getTransactionContext === 'function' &&
    typeof candidate.getConnection === 'function' &&
    typeof candidate.fork === 'function'
  );
}
