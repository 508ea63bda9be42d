import type { RedisClient } from '../connection/redis-client';
import { withinTimeout } from './within-timeout';

/** PING's round trip in ms, or why it failed. */
export async function pingRedis(
  client: RedisClient,
  timeoutMs: number,
): Promise<{ ok: true; pingMs: number } | { ok: false; error: string }> {
  const started = Date.now();
  try {
    await withinTimeout(client.ping(), timeoutMs, 'PING');
    return { ok: true, pingMs: Date.now() - started };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
