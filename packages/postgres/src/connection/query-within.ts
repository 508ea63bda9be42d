import type { Pool, QueryResultRow } from 'pg';

/**
 * Runs one read-only statement that must answer within `timeoutMs` (a health check, a scrape):
 * in its own transaction with `statement_timeout`, so a slow server stops the work itself, and
 * raced against a timer, so a pool with no free connection cannot make the caller wait either.
 * A client that answers late is still released (or its transaction rolled back) in the background.
 */
export async function queryWithin<Row extends QueryResultRow>(
  pool: Pool,
  text: string,
  timeoutMs: number,
  activity: string,
): Promise<Row[]> {
  const work = (async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      // A whole number of ms, checked by the caller: SET takes no parameters.
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`);
      const { rows } = await client.query<Row>(text);
      await client.query('COMMIT');
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${activity}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
