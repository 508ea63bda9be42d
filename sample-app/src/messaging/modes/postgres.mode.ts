import { MessagingConfigError } from '../messaging-config.error';
import { MessagingMode, readRedisSettings } from './messaging-mode';
import { redisTransports } from './redis.mode';

const DEFAULT_SCHEMA = 'sample_shop';

/**
 * `SMART_MESSAGE_TRANSPORT=postgres`: the Redis transports, with orders in PostgreSQL
 * (`DATABASE_URL`, `SMART_MESSAGE_SCHEMA`) and `OrderPlaced` through the transactional outbox;
 * `SMART_MESSAGE_OUTBOX_RELAY=false` for a process that only stores.
 */
export const postgresMode: MessagingMode = {
  name: 'postgres',
  read(env) {
    const databaseUrl = env.DATABASE_URL;
    if (!databaseUrl)
      throw new MessagingConfigError(
        'DATABASE_URL',
        'SMART_MESSAGE_TRANSPORT=postgres needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/shop',
      );
    const relay = env.SMART_MESSAGE_OUTBOX_RELAY ?? 'true';
    if (relay !== 'true' && relay !== 'false')
      throw new MessagingConfigError(
        'SMART_MESSAGE_OUTBOX_RELAY',
        `SMART_MESSAGE_OUTBOX_RELAY must be true or false, got "${relay}"`,
      );
    const redis = readRedisSettings(env);
    return {
      mode: 'postgres',
      redis,
      postgres: { databaseUrl, schema: env.SMART_MESSAGE_SCHEMA || DEFAULT_SCHEMA, relay: relay === 'true' },
      transports: () => redisTransports(redis),
    };
  },
};
