import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Pool, type PoolConfig } from 'pg';
import {
  Envelope,
  FrameCodec,
  InvalidOptionError,
  MessageLogger,
  NestMessageLogger,
  OutboxRelayTarget,
  TransactionalOutbox,
  TransportCapabilities,
  TransportClosedError,
  TransportPublishOptions,
} from '@smart-message/nestjs';
import { assertFrameSize, CloudEventsFrameCodec, frameLimitOption } from '@smart-message/nestjs/transport-kit';
import { connectAtStartup } from '../connection/connect-at-startup';
import { postgresEndpoint } from '../connection/postgres-endpoint';
import { positiveIntegerOption } from '../options/positive-integer-option';
import { runMigrations } from '../schema/run-migrations';
import { schemaOption } from '../schema/schema-name';
import { resolveTransaction } from '../transaction/resolve-transaction';
import { runInTransaction } from '../transaction/run-in-transaction';
import { WakeListener } from '../wake/wake-listener';
import { OutboxRelay } from './outbox-relay';
import { OutboxStatements } from './outbox-statements';
import type { PostgresOutboxOptions } from './postgres-outbox-options.interface';

const OWNER = 'PostgresOutbox';

/**
 * The transactional outbox on PostgreSQL, for transports that cannot write inside your
 * transaction (Redis Streams, Redis pub/sub, …). Give it to the bus as `outbox`; then
 * `bus.publish(message, { transaction: client })` writes the message into `<schema>.outbox`
 * through your transaction, so it exists if and only if your transaction commits. The relay
 * (in every instance where `relay` is not false) publishes each committed row through the bus
 * to its transport, keeping the uuid, and deletes it: at-least-once, never before commit.
 */
export class PostgresOutbox implements TransactionalOutbox {
  /** Holds `delayMs` / `notBefore`: the row becomes due then. */
  readonly supports: TransportCapabilities = { notBefore: true };
  /** The schema of the `outbox` table. */
  readonly schema: string;
  /** This instance's name as lease owner of the rows its relay claims. */
  readonly relayName: string;
  private readonly schemaSql: string;
  private readonly statements: OutboxStatements;
  private readonly config: PoolConfig;
  private readonly codec: FrameCodec;
  private readonly logger: MessageLogger;
  private readonly maxFrameBytes: number;
  private readonly notify: boolean;
  private readonly channel: string;
  private pool?: Pool;
  private relay?: OutboxRelay;
  private listener?: WakeListener;
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(private readonly options: PostgresOutboxOptions = {}) {
    const schema = schemaOption(options.schema, OWNER);
    this.schema = schema.name;
    this.schemaSql = schema.sql;
    this.statements = new OutboxStatements(schema.sql);
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, OWNER);
    this.notify = options.notify ?? true;
    this.channel = `${schema.name}_outbox`;
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:PostgresOutbox');
    this.relayName = options.relayName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const connectTimeoutMs = positiveIntegerOption(OWNER, 'connectTimeoutMs', options.connectTimeoutMs, 5000);
    this.config = {
      ...options.poolConfig,
      ...(options.connectionString ? { connectionString: options.connectionString } : {}),
      application_name: options.applicationName ?? options.poolConfig?.application_name ?? 'smart-message-outbox',
      connectionTimeoutMillis: options.poolConfig?.connectionTimeoutMillis ?? connectTimeoutMs,
    };
    // Checked here, so a typo fails at construction rather than when the relay starts.
    this.relaySettings();
  }

  /**
   * Writes the envelope for `transportName` through `transaction` (a `pg` client after BEGIN,
   * or an adapter's result), under a savepoint. Rejects with TransactionRequiredError, writing
   * nothing, for a pool or a connection with no transaction open.
   */
  async store(
    envelope: Envelope,
    transportName: string,
    transaction: object,
    options: TransportPublishOptions,
  ): Promise<void> {
    if (this.closing) throw new TransportClosedError('postgres-outbox');
    const sql = resolveTransaction(transaction);
    const frame = this.codec.encode(envelope);
    assertFrameSize(frame, this.maxFrameBytes, 'postgres-outbox', envelope.header.messageClass);
    const { uuid, messageClass } = envelope.header;
    const values = [uuid, transportName, messageClass, frame, options.notBefore?.toISOString() ?? null];
    if (this.notify) await runInTransaction(sql, this.statements.storeAndNotify, [...values, this.channel]);
    else await runInTransaction(sql, this.statements.store, values);
  }

  /**
   * Connects, applies the migrations unless `migrate: false`, and starts the relay (unless
   * `relay: false`), publishing through `target`; the bus calls it after its transports started.
   */
  start(target: OutboxRelayTarget): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError('postgres-outbox'));
    this.starting ??= this.open(target).catch(async (error: unknown) => {
      this.starting = undefined;
      await this.release();
      throw error;
    });
    return this.starting;
  }

  /** Stops the relay (publishes in flight finish, untried rows are given back), then closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.release();
    })();
    return this.closing;
  }

  private async open(target: OutboxRelayTarget): Promise<void> {
    const relayOn = this.options.relay ?? true;
    const migrate = this.options.migrate ?? true;
    if (!relayOn && !migrate) return;
    const pool = (this.pool = new Pool(this.config));
    // An idle client whose backend went away is removed by the pool, which then emits `error`.
    pool.on('error', () => undefined);
    await connectAtStartup(pool, postgresEndpoint(this.config), this.config.connectionTimeoutMillis ?? 5000);
    if (migrate) await runMigrations(pool, { name: this.schema, sql: this.schemaSql });
    if (!relayOn) return;
    const relay = (this.relay = new OutboxRelay(this.relaySettings(), {
      pool,
      statements: this.statements,
      codec: this.codec,
      target,
      logger: this.logger,
      ...(this.options.onDeadLetter ? { onDeadLetter: this.options.onDeadLetter } : {}),
    }));
    if (this.notify) {
      // The transport's heartbeat defaults: a half-open LISTEN connection is found and replaced; polling covers the gap.
      this.listener = new WakeListener(
        { config: this.config, channel: this.channel, heartbeatMs: 10_000, heartbeatTimeoutMs: 5000 },
        { wake: () => relay.wake(), wakeAll: () => relay.wake() },
        this.logger,
      );
      await this.listener.start();
    }
    relay.start();
  }

  private async release(): Promise<void> {
    await this.relay?.stop();
    await this.listener?.stop();
    await this.pool?.end().catch(() => undefined);
    this.relay = undefined;
    this.listener = undefined;
    this.pool = undefined;
  }

  private relaySettings(): ConstructorParameters<typeof OutboxRelay>[0] {
    const { options } = this;
    const leaseMs = positiveIntegerOption(OWNER, 'leaseMs', options.leaseMs, 30_000);
    const publishTimeoutMs = positiveIntegerOption(OWNER, 'publishTimeoutMs', options.publishTimeoutMs, 10_000);
    // A lease that ends while its publish may still succeed hands the row to a second relay: a duplicate.
    if (publishTimeoutMs >= leaseMs)
      throw new InvalidOptionError(OWNER, 'publishTimeoutMs', publishTimeoutMs, `less than leaseMs (${leaseMs})`);
    return {
      owner: this.relayName,
      batchSize: positiveIntegerOption(OWNER, 'batchSize', options.batchSize, 100),
      leaseMs,
      pollIntervalMs: positiveIntegerOption(OWNER, 'pollIntervalMs', options.pollIntervalMs, 1000),
      maxAttempts: positiveIntegerOption(OWNER, 'maxAttempts', options.maxAttempts, 10),
      publishTimeoutMs,
      maxFrameBytes: this.maxFrameBytes,
      retryBackoff: {
        baseMs: positiveIntegerOption(OWNER, 'retryBackoff.baseMs', options.retryBackoff?.baseMs, 1000),
        maxMs: positiveIntegerOption(OWNER, 'retryBackoff.maxMs', options.retryBackoff?.maxMs, 60_000),
        jitter: true,
      },
    };
  }
}
