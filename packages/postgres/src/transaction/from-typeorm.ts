import { sqlTransaction, type SqlRow, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

const TYPEORM_KIND = '@instanceof';
const FIX =
  'pass the manager that `dataSource.transaction(async (manager) => …)` gives you, or ' +
  '`queryRunner.manager` after `await queryRunner.startTransaction()`';

/** What `fromTypeOrm` needs of a TypeORM query runner. */
export interface TypeOrmQueryRunnerLike {
  readonly isTransactionActive: boolean;
  readonly isReleased: boolean;
  query(text: string, parameters: unknown[], useStructuredResult: true): Promise<{ records?: unknown }>;
}

/** What `fromTypeOrm` needs of a TypeORM `EntityManager`. Structural, so TypeORM is never loaded. */
export interface TypeOrmEntityManagerLike {
  readonly queryRunner?: TypeOrmQueryRunnerLike;
}

/**
 * The transaction of a TypeORM `EntityManager` (typeorm 0.3 and 1.x, `postgres` driver): the
 * manager `dataSource.transaction(async (manager) => …)` gives you, or a query runner's manager
 * after `startTransaction()`. Refuses the `DataSource` and `dataSource.manager`: each of their
 * queries takes a pooled connection and commits at once. Statements run on the manager's query
 * runner, so they share its connection and transaction.
 */
export function fromTypeOrm(manager: TypeOrmEntityManagerLike): SqlTransaction {
  if (typeOrmKind(manager) === 'DataSource') throw new TransactionRequiredError('a TypeORM DataSource', FIX);
  const runner = manager.queryRunner;
  if (!runner || runner.isReleased || !runner.isTransactionActive)
    throw new TransactionRequiredError('a TypeORM EntityManager with no transaction open', FIX);
  return sqlTransaction('typeorm', async (text, values) => {
    const result = await runner.query(text, [...values], true);
    return Array.isArray(result.records) ? (result.records as SqlRow[]) : [];
  });
}

/**
 * A TypeORM `QueryRunner` (it has no class mark of its own): its manager is an `EntityManager`
 * that points back at it. It has `query` and `connect`, so without this check it would pass for
 * a `pg` client, whose result shape it does not share.
 */
export function isTypeOrmQueryRunner(value: object): value is { manager: TypeOrmEntityManagerLike } {
  const manager = (value as { manager?: unknown }).manager;
  return (
    typeof manager === 'object' &&
    manager !== null &&
    typeOrmKind(manager) === 'EntityManager' &&
    (manager as TypeOrmEntityManagerLike).queryRunner === value
  );
}

/** TypeORM marks its classes with `'@instanceof': Symbol.for(<class name>)`. */
export function typeOrmKind(value: object): 'EntityManager' | 'DataSource' | undefined {
  const kind = (value as Record<string, unknown>)[TYPEORM_KIND];
  if (kind === Symbol.for('EntityManager')) return 'EntityManager';
  if (kind === Symbol.for('DataSource')) return 'DataSource';
  return undefined;
}
