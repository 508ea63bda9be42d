import { sqlTransaction, type SqlRow, type SqlTransaction } from './sql-transaction';

/** What `fromPg` needs of a `pg` client: a `Client`, or a `PoolClient` from `pool.connect()`. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: SqlRow[] }>;
}

/**
 * The transaction open on a `pg` client: the one you ran `BEGIN` on (a `Client`, or a
 * `PoolClient` from `pool.connect()`). Never the `Pool`: each of its queries may run on another
 * connection and commits by itself; publishing through it is refused.
 */
export function fromPg(client: PgQueryable): SqlTransaction {
  return sqlTransaction('pg', async (text, values) => (await client.query(text, [...values])).rows);
}

/** A `pg` Client or PoolClient (duck-typed, so no `pg` type is needed at run time). */
export function isPgClient(value: object): value is PgQueryable {
  const candidate = value as { query?: unknown; connect?: unknown; release?: unknown; totalCount?: unknown };
  return (
    typeof candidate.query === 'function' &&
    typeof candidate.connect === 'function' &&
    candidate.totalCount === undefined
  );
}

/** A `pg` Pool: it has a query method too, but no transaction of its own. */
export function isPgPool(value: object): boolean {
  const candidate = value as { query?: unknown; totalCount?: unknown; idleCount?: unknown };
  return typeof candidate.query === 'function' && typeof candidate.totalCount === 'number';
}
