import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { backoffDelay } from '@smart-message/nestjs/transport-kit';
import { PostgresQueryError } from '../errors/postgres-query.error';

/**
 * What `pg` says when the server is away or the backend went away under a pooled client
 * (terminated, restarted, a dropped socket). Matched on text as well as code: pg rejects a
 * terminated connection with a plain Error without one.
 */
const UNAVAILABLE_TEXT =
  /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|timeout exceeded when trying to connect|terminating connection/;
/** SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutting down, crashed, starting). */
const UNAVAILABLE_STATE = /^(08...|57P0[123])$/;
const BACKOFF = { baseMs: 25, maxMs: 500, jitter: true } as const;

function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && UNAVAILABLE_STATE.test(code)) || UNAVAILABLE_TEXT.test(String(message));
}

/**
 * Runs one statement through the pool. While the server is unreachable, restarting, or the
 * statement met a connection that had just dropped, it is sent again (the pool opens a new
 * connection) until `timeoutMs` has passed since the call. A refusal by the server, or the
 * deadline, is a PostgresQueryError naming `activity`. A retried insert whose first commit did
 * reach the server is stored twice: at-least-once, as documented.
 */
export async function runStatement<Row extends QueryResultRow>(
  pool: Pool,
  text: string,
  params: unknown[],
  activity: string,
  timeoutMs: number,
): Promise<QueryResult<Row>> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await pool.query<Row>(text, params);
    } catch (error) {
      const left = deadline - Date.now();
      if (!isUnavailable(error) || left <= 0) throw new PostgresQueryError(activity, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, backoffDelay(attempt, BACKOFF))));
    }
  }
}
