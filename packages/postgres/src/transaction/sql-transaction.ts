/** A row as a driver returns it. */
export type SqlRow = Record<string, unknown>;

/**
 * The caller's open transaction, as the transport and the outbox use it: one method that runs a
 * parameterised statement (`$1`, `$2`, …) through it. Made by an adapter (`fromPg`, and one per
 * ORM) around the object the caller's library gave them; the adapter never opens, commits or
 * rolls back anything.
 */
export interface SqlTransaction {
  /** Marks an adapter's result, so a transaction object is not mistaken for one. */
  readonly [SQL_TRANSACTION]: true;
  /** Which library's transaction it wraps, for errors: `pg`, `typeorm`, `prisma`, … */
  readonly library: string;
  query(text: string, values: readonly unknown[]): Promise<SqlRow[]>;
}

/** The brand of `SqlTransaction`. */
export const SQL_TRANSACTION: unique symbol = Symbol.for('@smart-message/postgres:SqlTransaction');

/** Wraps a query function as a `SqlTransaction`; what every adapter returns. */
export function sqlTransaction(
  library: string,
  query: (text: string, values: readonly unknown[]) => Promise<SqlRow[]>,
): SqlTransaction {
  return { [SQL_TRANSACTION]: true, library, query };
}

/** Whether `value` came from an adapter. */
export function isSqlTransaction(value: unknown): value is SqlTransaction {
  return typeof value === 'object' && value !== null && (value as Partial<SqlTransaction>)[SQL_TRANSACTION] === true;
}
