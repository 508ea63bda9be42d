import type { PoolConfig } from 'pg';
import type { FrameCodec, MessageLogger } from '@smart-message/nestjs';
import type { PostgresMaintenanceOptions } from '../maintenance/postgres-maintenance-options.interface';

/** Options of `PostgresTransport`. Give `connectionString` or `poolConfig` (or both: the string wins where they overlap). */
export interface PostgresTransportOptions {
  /** `postgres://user:password@host:5432/database`. */
  connectionString?: string;
  /** Settings of the `pg` Pool the transport opens (and closes); also used for the LISTEN connection. */
  poolConfig?: PoolConfig;
  /** Schema of the transport's tables. Default `smartmessage`; lower-case letters, digits and `_`. */
  schema?: string;
  /**
   * Consumer group for every subscription of this transport, overriding the bus's `group` (the
   * module's `entity`). Leave unset to use the bus's: one group per service.
   */
  group?: string;
  /** Most delivery rows one subscription claims in one statement, and holds at once. Default 50. */
  prefetch?: number;
  /**
   * How long a claimed row stays invisible to other consumers, in ms. A consumer that dies
   * holding it leaves it to be claimed again once this passed, with the next attempt number.
   * Longer than your slowest handler. Default 30,000.
   */
  leaseMs?: number;
  /**
   * How often each subscription looks for due rows without a wake-up, in ms, while LISTEN is down
   * (or off: `notify: false`). Default 1000.
   */
  pollIntervalMs?: number;
  /**
   * The slower poll while LISTEN is healthy, in ms: new rows then wake consumers at once, so the
   * poll only finds rows nothing announces (a retry's backoff ended, a crashed consumer's lease
   * ran out), and finds them up to this late. When LISTEN drops, consumers poll at
   * `pollIntervalMs` until it is back. At least `pollIntervalMs`; default `pollIntervalMs`
   * (no slowdown). 5000 to 10,000 halves the idle load of a mostly quiet service.
   */
  idlePollIntervalMs?: number;
  /**
   * How often the LISTEN connection is asked, on its own session, whether it still LISTENs
   * (`pg_listening_channels()`), in ms. A connection that does not answer within
   * `listenHeartbeatTimeoutMs` (half-open: a NAT or firewall dropped it, the server host froze)
   * is destroyed and opened again. Default 10,000.
   */
  listenHeartbeatMs?: number;
  /** How long the heartbeat, and the LISTEN after a reconnect, may take, in ms. Default 5000. */
  listenHeartbeatTimeoutMs?: number;
  /**
   * Where the LISTEN connection goes when it cannot share the pool's: the pool through PgBouncer in
   * transaction mode, LISTEN straight to the server. Default: the pool's settings.
   */
  listenConnectionString?: string;
  /** Deliveries of one row after which it is set aside as `poison` instead of delivered again. Default 5. */
  maxDeliveries?: number;
  /** Delay before a row whose handler failed is due again: `baseMs` doubled per attempt up to `maxMs`, jittered. Default 1000 / 60,000. */
  retryBackoff?: { baseMs?: number; maxMs?: number };
  /**
   * Send a NOTIFY with each publish and LISTEN for them, so consumers wake at once rather than
   * at the next poll. Turn off behind PgBouncer in transaction mode, where LISTEN cannot work.
   * Default true.
   */
  notify?: boolean;
  /**
   * At most one NOTIFY per consumer group per this many ms from this instance (a burst of
   * publishes wakes each group once, and once more at the window's end). 0: one per publish.
   * A message published inside the window waits up to the window's end for a consumer that is
   * idle, so the window is what it adds to latency at moderate rates. Default 5.
   */
  notifyDebounceMs?: number;
  /**
   * Pruning of handled messages and old dead letters, every `intervalMs` (default 60 s), on one
   * instance at a time. `false` turns the timer off (run `maintain()` from a job of your own instead).
   * Default: on, messages kept 1 h after publish once nothing refers to them, dead letters 7 days.
   */
  maintenance?: false | PostgresMaintenanceOptions;
  /** Create or upgrade the schema at start, under a transaction-scoped advisory lock. Default true. */
  migrate?: boolean;
  /**
   * How long a publish (or subscribe) waits for a server that is unreachable or restarting,
   * sending the statement again on a new connection, before it fails with PostgresQueryError. Default 10,000.
   */
  publishTimeoutMs?: number;
  /** Bound on startup's connection attempts, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** `application_name` of the transport's connections, as seen in `pg_stat_activity`. Default `smart-message`. */
  applicationName?: string;
  /** This instance's name as lease owner; default `<hostname>-<pid>-<random>`. */
  consumerName?: string;
  /** Frames larger than this are refused at publish and set aside unparsed on receipt. Default 1 MiB. */
  maxFrameBytes?: number;
  codec?: FrameCodec;
  logger?: MessageLogger;
}
