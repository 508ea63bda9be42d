import { Redis } from 'ioredis';

/** Bytes Redis uses for one key, counted exactly (`MEMORY USAGE … SAMPLES 0`). */
export async function keyMemoryBytes(redisUrl: string, key: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    return Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  } finally {
    redis.disconnect();
  }
}
