import { Transport } from '@smart-message/nestjs';
import { TransportName } from '../transport-names';

/**
 * Where a mode's Redis is: one server (`REDIS_URL`), or the seed nodes of a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, redis-cluster mode). Spread into the options of a Redis transport or store.
 */
export type RedisConnection = { url: string } | { cluster: { nodes: readonly string[] } };

/** The Redis a mode talks to, and `SMART_MESSAGE_PREFIX`. */
export type RedisSettings = RedisConnection & {
  /** The start of every channel and stream name, and of the dead letter keys. */
  prefix: string;
};

/** Orders and the transactional outbox in PostgreSQL (postgres mode). */
export interface PostgresOrdersSettings {
  databaseUrl: string;
  /** Schema of the `orders` table and of the outbox. */
  schema: string;
  /** Whether this process runs the outbox relay. */
  relay: boolean;
}

/** Where the sample's messages travel, read from the environment by the mode `SMART_MESSAGE_TRANSPORT` names. */
export interface MessagingSettings {
  /** The value of `SMART_MESSAGE_TRANSPORT`. */
  readonly mode: string;
  /**
   * Fresh transports on every call (each application owns and closes its own), one per name of
   * `transport-names.ts`, so every mode carries every message type.
   */
  transports(): Record<TransportName, Transport>;
  /** The Redis of the mode, if it has one: the dead letters are kept there, shared by every process. */
  readonly redis?: RedisSettings;
  /** Set when orders are written to PostgreSQL and `OrderPlaced` goes through the outbox. */
  readonly postgres?: PostgresOrdersSettings;
}

/**
 * One value of `SMART_MESSAGE_TRANSPORT`, in a file of its own under `modes/`, listed in
 * `messaging-settings.ts`. Nothing else in the app looks at the mode's name.
 */
export interface MessagingMode {
  readonly name: string;
  /** Reads the mode's variables; a missing or wrong one fails with `MessagingConfigError`. */
  read(env: NodeJS.ProcessEnv): MessagingSettings;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Keeps the sample's channels and streams apart from anything else in the same Redis. */
const DEFAULT_PREFIX = 'sample-shop:';

/** `REDIS_URL` and `SMART_MESSAGE_PREFIX`, for the modes that use Redis. */
export function readRedisSettings(env: NodeJS.ProcessEnv): RedisSettings {
  return { url: env.REDIS_URL || DEFAULT_REDIS_URL, prefix: env.SMART_MESSAGE_PREFIX || DEFAULT_PREFIX };
}
