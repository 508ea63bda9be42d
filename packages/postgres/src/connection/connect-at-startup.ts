import type { Pool } from 'pg';
import { PostgresConnectionError } from '../errors/postgres-connection.error';
import { classifyConnectionFailure, isPermanentFailure } from './classify-connection-failure';

const RETRY_MS = 100;

/**
 * Runs `SELECT 1` through the pool until the server answers or `timeoutMs` has passed: a server
 * still starting is given until then; refused credentials or a missing database fail at once.
 */
export async function connectAtStartup(
  pool: Pool,
  endpoint: { host: string; port: number },
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (cause) {
      const failure = classifyConnectionFailure(cause);
      const left = deadline - Date.now();
      if (isPermanentFailure(failure) || left <= 0)
        throw new PostgresConnectionError(endpoint, failure, 'connecting the pool', timeoutMs, { cause });
      await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, left)));
    }
  }
}
