import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** A key prefix of a test's own, so runs never see each other's channels and streams. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix` (streams, dead-letter streams) once a test is done. */
export async function deleteKeys(prefix: string, url?: string): Promise<void> {
  const redis = new Redis(url ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Every field of every entry of a stream, as Redis stores it (XRANGE), to check what is on the wire. */
export async function streamEntries(key: string, url?: string): Promise<string[][]> {
  const redis = new Redis(url ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  try {
    return (await redis.xrange(key, '-', '+')).map(([, fields]) => fields);
  } finally {
    redis.disconnect();
  }
}
