import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { PostgresQueryError } from '../errors/postgres-query.error';

/**
 * What `pg` says when the backend went away under a pooled client (terminated, restarted, a
 * dropped socket). Matched on text: pg rejects these with plain Errors without a code.
 */
const DROPPED = /Connection terminated|ECONNRESET|EPIPE|terminating connection due to administrator command/;

/**
 * Runs one statement through the pool, once more when it met a connection that had just
 * dropped: the pool discards that client and opens a new one. The second failure, or any
 * refusal by the server, is a PostgresQueryError naming `activity`. A retried insert whose
 * first commit did reach the server can be stored twice: at-least-once, as documented.
 */
export async function runStatement<Row extends QueryResultRow>(
  pool: Pool,
  text: string,
  params: unknown[],
  activity: string,
): Promise<QueryResult<Row>> {
  try {
    return await pool.query<Row>(text, params);
  } catch (first) {
    if (!DROPPED.test(String((first as { message?: unknown }).message)))
      throw new PostgresQueryError(activity, { cause: first });
    try {
      return await pool.query<Row>(text, params);
    } catch (second) {
      throw new PostgresQueryError(activity, { cause: second });
    }
  }
}
