/** Where the sample's messages travel, read from the environment. */
export type MessagingSettings =
  | { mode: 'memory' }
  | { mode: 'redis'; redisUrl: string; prefix: string }
  | {
      /** Orders in PostgreSQL, messages over Redis: `OrderPlaced` goes through the transactional outbox. */
      mode: 'postgres';
      redisUrl: string;
      prefix: string;
      databaseUrl: string;
      /** Schema of the `orders` table and of the outbox. */
      schema: string;
      /** Whether this process runs the outbox relay. */
      relay: boolean;
    };

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Keeps the sample's channels and streams apart from anything else in the same Redis. */
const DEFAULT_PREFIX = 'sample-shop:';
const DEFAULT_SCHEMA = 'sample_shop';

/**
 * `SMART_MESSAGE_TRANSPORT=memory|redis|postgres` (default memory); over Redis `REDIS_URL` and
 * `SMART_MESSAGE_PREFIX`, the start of every channel and stream name; in postgres mode (Redis
 * transports, orders and the outbox in PostgreSQL) also `DATABASE_URL`, `SMART_MESSAGE_SCHEMA`
 * (default `sample_shop`) and `SMART_MESSAGE_OUTBOX_RELAY=false` for a process that only stores.
 */
export function readMessagingSettings(env: NodeJS.ProcessEnv): MessagingSettings {
  const mode = env.SMART_MESSAGE_TRANSPORT || 'memory';
  if (mode === 'memory') return { mode };
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;
  const prefix = env.SMART_MESSAGE_PREFIX || DEFAULT_PREFIX;
  if (mode === 'redis') return { mode, redisUrl, prefix };
  if (mode === 'postgres') {
    const databaseUrl = env.DATABASE_URL;
    if (!databaseUrl)
      throw new Error(
        'SMART_MESSAGE_TRANSPORT=postgres needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/shop',
      );
    const relay = env.SMART_MESSAGE_OUTBOX_RELAY ?? 'true';
    if (relay !== 'true' && relay !== 'false')
      throw new Error(`SMART_MESSAGE_OUTBOX_RELAY must be true or false, got "${relay}"`);
    return {
      mode,
      redisUrl,
      prefix,
      databaseUrl,
      schema: env.SMART_MESSAGE_SCHEMA || DEFAULT_SCHEMA,
      relay: relay === 'true',
    };
  }
  throw new Error(`SMART_MESSAGE_TRANSPORT must be memory, redis or postgres, got "${mode}"`);
}
