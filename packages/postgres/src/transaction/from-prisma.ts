import { sqlTransaction, type SqlRow, type SqlTransaction } from './sql-transaction';
import { TransactionRequiredError } from './transaction-required.error';

/** What `fromPrisma` needs of Prisma's interactive transaction client. Structural, so Prisma is never loaded. */
export interface PrismaTransactionClientLike {
  $queryRawUnsafe(query: string, ...values: unknown[]): PromiseLike<unknown>;
}

/**
 * The transaction of Prisma's interactive transaction client: the `tx` of
 * `prisma.$transaction(async (tx) => …)` (Prisma 6 and 7, PostgreSQL, e.g. with
 * `@prisma/adapter-pg`). Refuses the root `PrismaClient` (it has `$connect`, which the transaction client lacks): each of its
 * queries commits at once. The array form `$transaction([...])` has no client to pass, so it
 * cannot be used. Values are bound by Prisma (`$queryRawUnsafe(text, ...values)`), which cannot
 * read a `void` column: the statements run through it return none (`pg_notify(…) IS NOT NULL`).
 */
export function fromPrisma(tx: PrismaTransactionClientLike): SqlTransaction {
  if (isPrismaRootClient(tx))
    throw new TransactionRequiredError(
      'the root PrismaClient',
      'pass the `tx` that `prisma.$transaction(async (tx) => …)` gives you (the array form cannot be used)',
    );
  return sqlTransaction('prisma', async (text, values) => {
    const rows = await tx.$queryRawUnsafe(text, ...values);
    return Array.isArray(rows) ? (rows as SqlRow[]) : [];
  });
}

/** A Prisma client, root or transaction. */
export function isPrismaClient(value: object): value is PrismaTransactionClientLike {
  return typeof (value as { $queryRawUnsafe?: unknown }).$queryRawUnsafe === 'function';
}

/**
 * Prisma takes `$connect` and `$disconnect` off the client it gives a transaction callback (and,
 * before Prisma 7 made nested transactions possible, `$transaction` too), so `$connect` is what
 * marks the root client in every version.
 */
function isPrismaRootClient(value: object): boolean {
  const candidate = value as { $connect?: unknown; $disconnect?: unknown };
  return typeof candidate.$connect === 'function' || typeof candidate.$disconnect === 'function';
}
