/** Where the sample's messages travel, read from the environment. */
export type MessagingSettings = { mode: 'memory' } | { mode: 'redis'; redisUrl: string; prefix: string };

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Keeps the sample's channels and streams apart from anything else in the same Redis. */
const DEFAULT_PREFIX = 'sample-shop:';

/**
 * `SMART_MESSAGE_TRANSPORT=memory|redis` (default memory), and over Redis `REDIS_URL` and
 * `SMART_MESSAGE_PREFIX`, the start of every channel and stream name.
 */
export function readMessagingSettings(env: NodeJS.ProcessEnv): MessagingSettings {
  const mode = env.SMART_MESSAGE_TRANSPORT || 'memory';
  if (mode === 'memory') return { mode };
  if (mode === 'redis') {
    return { mode, redisUrl: env.REDIS_URL || DEFAULT_REDIS_URL, prefix: env.SMART_MESSAGE_PREFIX || DEFAULT_PREFIX };
  }
  throw new Error(`SMART_MESSAGE_TRANSPORT must be memory or redis, got "${mode}"`);
}
