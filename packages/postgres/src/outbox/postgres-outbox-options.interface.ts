import type { PoolConfig } from 'pg';
import type { FrameCodec, MessageLogger } from '@smart-message/nestjs';
import type { OutboxDeadLetter } from './outbox-dead-letter.interface';

/** Options of `PostgresOutbox`. Give `connectionString` or `poolConfig` for the relay's own connections. */
export interface PostgresOutboxOptions {
  /** `postgres://user:password@host:5432/database`: the database your transactions write to. */
  connectionString?: string;
  /** Settings of the `pg` Pool the relay opens (and closes); also used for its LISTEN connection. */
  poolConfig?: PoolConfig;
  /** Schema of the `outbox` table; the same as PostgresTransport's when both are used. Default `smartmessage`. */
  schema?: string;
  /**
   * Run the relay in this instance: it publishes stored messages after commit. `false` for
   * API-only pods that only store; at least one instance must relay. Default true.
   */
  relay?: boolean;
  /** Most rows one claim takes. Default 100. */
  batchSize?: number;
  /**
   * How long claimed rows stay invisible to other relays, in ms: a relay that dies holding them
   * leaves them to the next once this passed. Longer than publishing one batch. Default 30,000.
   */
  leaseMs?: number;
  /** How often the relay looks for due rows without a wake-up, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Delay before a row whose publish failed is due again: `baseMs` doubled per attempt up to `maxMs`, jittered. Default 1000 / 60,000. */
  retryBackoff?: { baseMs?: number; maxMs?: number };
  /** Publishes of one row after which it is moved to `outbox_dead_letters` instead of tried again. Default 10. */
  maxAttempts?: number;
  /** How long one publish to the transport may take before it counts as failed (and is retried), in ms. Default 10,000. */
  publishTimeoutMs?: number;
  /** Create or upgrade the schema at start, under a transaction-scoped advisory lock. Default true. */
  migrate?: boolean;
  /**
   * NOTIFY at commit of a transaction that stored a message, and LISTEN for it, so the relay
   * publishes at once rather than at the next poll. Off behind PgBouncer in transaction mode. Default true.
   */
  notify?: boolean;
  /** Bound on startup's connection attempts, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** This instance's name as lease owner; default `<hostname>-<pid>-<random>`. */
  relayName?: string;
  /** `application_name` of the relay's connections. Default `smart-message-outbox`. */
  applicationName?: string;
  /** Frames larger than this are refused at store and set aside unparsed by the relay. Default 1 MiB. */
  maxFrameBytes?: number;
  codec?: FrameCodec;
  logger?: MessageLogger;
  /** Called after a row was moved to `outbox_dead_letters` (it is also logged as an error). */
  onDeadLetter?: (letter: OutboxDeadLetter) => void;
}
