import { toQuestionMarks } from './question-mark-placeholders';
import { sqlTransaction, type SqlRow, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

/**
 * What `fromKnex` needs of a Knex transaction (`knex.transaction(async (trx) => …)`, or
 * `await knex.transaction()`). Structural, so `knex` is never loaded by this package.
 */
export interface KnexTransactionLike {
  readonly isTransaction?: boolean;
  raw(sql: string, bindings: readonly unknown[]): PromiseLike<unknown>;
}

/**
 * The transaction of a Knex `trx` (knex 3, `pg` client). Refuses the root `knex` instance: its
 * statements would each take a pooled connection and commit at once. Statements run through
 * `trx.raw`, with `$n` rewritten to Knex's `?` and the values bound by the driver.
 */
export function fromKnex(trx: KnexTransactionLike): SqlTransaction {
  if (trx.isTransaction !== true)
    throw new TransactionRequiredError(
      'the root knex instance',
      'pass the `trx` of `knex.transaction(async (trx) => …)` (or of `await knex.transaction()`)',
    );
  return sqlTransaction('knex', (text, values) => knexRaw(trx, text, values));
}

/** Runs `$n` SQL through a Knex transaction; MikroORM's transaction context is one too. */
export async function knexRaw(trx: KnexTransactionLike, text: string, values: readonly unknown[]): Promise<SqlRow[]> {
  const statement = toQuestionMarks(text, values);
  const result = (await trx.raw(statement.text, statement.bindings)) as { rows?: unknown };
  return Array.isArray(result?.rows) ? (result.rows as SqlRow[]) : [];
}

/** A Knex instance or transaction: a function with `raw`, `transaction` and a `client`. */
export function isKnexObject(value: object): value is KnexTransactionLike {
  const candidate = value as { raw?: unknown; transaction?: unknown; client?: unknown };
  return (
    typeof value === 'function' &&
    typeof candidate.raw === 'function' &&
    typeof candidate.transaction === 'function' &&
    typeof candidate.client === 'object' &&
    candidate.client !== null
  );
}
