import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Pool, type PoolConfig } from 'pg';
import {
  Envelope,
  FrameCodec,
  InvalidOptionError,
  MessageLogger,
  NestMessageLogger,
  QueueBacklog,
  Transport,
  TransportClosedError,
  TransportHealth,
  TransportPublishOptions,
} from '@smart-message/nestjs';
import {
  assertFrameSize,
  Backoff,
  backlogProblems,
  CloudEventsFrameCodec,
  DeliveryQueue,
  EnvelopeHandler,
  frameLimitOption,
  TransportHealthLimits,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { connectAtStartup } from './connection/connect-at-startup';
import { postgresEndpoint } from './connection/postgres-endpoint';
import { queryWithin } from './connection/query-within';
import { runStatement } from './connection/run-statement';
import { AckBatcher } from './consume/ack-batcher';
import { DeliveryConsumer } from './consume/delivery-consumer';
import { PostgresQueryError } from './errors/postgres-query.error';
import { PostgresTransportOptions } from './interfaces/postgres-transport-options.interface';
import { Maintenance, resolveMaintenance } from './maintenance/maintenance';
import { PostgresMaintenanceReport } from './maintenance/postgres-maintenance-options.interface';
import { backlogStatement } from './operations/backlog-statement';
import { FannedGroup, NotifyThrottle } from './queue/notify-throttle';
import { QueueStatements } from './queue/queue-statements';
import { runMigrations } from './schema/run-migrations';
import { schemaOption } from './schema/schema-name';
import { resolveTransaction } from './transaction/resolve-transaction';
import { runInTransaction } from './transaction/run-in-transaction';
import { TransactionRequiredError } from './transaction/transaction-required.error';
import { WakeListener } from './wake/wake-listener';

const OWNER = 'PostgresTransport';

/**
 * Durable transport on PostgreSQL tables: a publish writes the message and one delivery row per
 * subscribed consumer group (the service, the module's `entity`), so every service gets each
 * message once and the instances of one service compete for its rows (`FOR UPDATE SKIP LOCKED`).
 * At-least-once: a row is deleted after the handlers succeeded or it was set aside with its
 * reason; a failed handler makes it due again after a backoff, a crashed consumer's lease ends.
 */
export class PostgresTransport implements Transport {
  readonly kind = 'postgres';
  /**
   * Publishes inside the caller's transaction, delays (`notBefore`), priorities, and ordering per
   * key: see docs/postgres.md, "Delivery options".
   */
  readonly supports = { transaction: true, notBefore: true, priority: true, orderingKey: true } as const;
  /** This instance's name as lease owner of the rows it claims. */
  readonly consumerName: string;
  /** The schema of the transport's tables. */
  readonly schema: string;
  private readonly pool: Pool;
  private readonly config: PoolConfig;
  private readonly statements: QueueStatements;
  private readonly acks: AckBatcher;
  private readonly logger: MessageLogger;
  private readonly maxFrameBytes: number;
  private readonly prefetch: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly idlePollIntervalMs: number;
  private readonly listenHeartbeatMs: number;
  private readonly listenHeartbeatTimeoutMs: number;
  private readonly maxDeliveries: number;
  private readonly retryBackoff: Backoff;
  private readonly connectTimeoutMs: number;
  private readonly publishTimeoutMs: number;
  private readonly notify: boolean;
  private readonly channel: string;
  private readonly schemaSql: string;
  private readonly maintenance: Maintenance;
  private readonly backlogSql: string;
  private readonly throttle: NotifyThrottle;
  private codec: FrameCodec;
  private listener?: WakeListener;
  private readonly consumers = new Set<DeliveryConsumer>();
  private readonly consumersByClass = new Map<string, Set<DeliveryConsumer>>();
  private readonly consumersByGroup = new Map<string, Set<DeliveryConsumer>>();
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(private readonly options: PostgresTransportOptions = {}) {
    const schema = schemaOption(options.schema, OWNER);
    this.schema = schema.name;
    this.schemaSql = schema.sql;
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, OWNER);
    this.prefetch = positiveInteger(options.prefetch, 50, 'prefetch');
    this.leaseMs = positiveInteger(options.leaseMs, 30_000, 'leaseMs');
    this.pollIntervalMs = positiveInteger(options.pollIntervalMs, 1000, 'pollIntervalMs');
    this.idlePollIntervalMs = positiveInteger(options.idlePollIntervalMs, this.pollIntervalMs, 'idlePollIntervalMs');
    if (this.idlePollIntervalMs < this.pollIntervalMs)
      throw new InvalidOptionError(
        OWNER,
        'idlePollIntervalMs',
        options.idlePollIntervalMs,
        `at least pollIntervalMs (${this.pollIntervalMs}): it is the slower poll while LISTEN is healthy`,
      );
    this.listenHeartbeatMs = positiveInteger(options.listenHeartbeatMs, 10_000, 'listenHeartbeatMs');
    this.listenHeartbeatTimeoutMs = positiveInteger(options.listenHeartbeatTimeoutMs, 5000, 'listenHeartbeatTimeoutMs');
    this.maxDeliveries = positiveInteger(options.maxDeliveries, 5, 'maxDeliveries');
    this.connectTimeoutMs = positiveInteger(options.connectTimeoutMs, 5000, 'connectTimeoutMs');
    this.publishTimeoutMs = positiveInteger(options.publishTimeoutMs, 10_000, 'publishTimeoutMs');
    this.retryBackoff = {
      baseMs: positiveInteger(options.retryBackoff?.baseMs, 1000, 'retryBackoff.baseMs'),
      maxMs: positiveInteger(options.retryBackoff?.maxMs, 60_000, 'retryBackoff.maxMs'),
      jitter: true,
    };
    if (options.group !== undefined && (typeof options.group !== 'string' || options.group.length === 0))
      throw new InvalidOptionError(OWNER, 'group', options.group, 'a non-empty string');
    this.notify = options.notify ?? true;
    const debounceMs = options.notifyDebounceMs ?? 5;
    if (!Number.isInteger(debounceMs) || debounceMs < 0)
      throw new InvalidOptionError(OWNER, 'notifyDebounceMs', debounceMs, 'a whole number of ms, 0 or more');
    this.channel = `${schema.name}_wake`;
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:Postgres');
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.consumerName = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.config = {
      ...options.poolConfig,
      ...(options.connectionString ? { connectionString: options.connectionString } : {}),
      application_name: options.applicationName ?? options.poolConfig?.application_name ?? 'smart-message',
      connectionTimeoutMillis: options.poolConfig?.connectionTimeoutMillis ?? this.connectTimeoutMs,
      // Without a delay `pg` leaves the OS default (two hours on Linux) before a dead peer is probed.
      keepAlive: options.poolConfig?.keepAlive ?? true,
      keepAliveInitialDelayMillis: options.poolConfig?.keepAliveInitialDelayMillis ?? 10_000,
    };
    this.pool = new Pool(this.config);
    // An idle client whose backend went away is removed by the pool, which then emits `error`;
    // unhandled it would crash the process. The next query opens a new connection.
    this.pool.on('error', () => undefined);
    this.statements = new QueueStatements(schema.sql, schema.name);
    this.throttle = new NotifyThrottle(debounceMs, (group) =>
      this.pool.query('SELECT pg_notify($1, $2)', [this.channel, group]).then(
        () => undefined,
        // A hint only: consumers poll as well.
        () => undefined,
      ),
    );
    this.acks = new AckBatcher(this.pool, this.statements.ack, this.consumerName, this.logger, () =>
      this.consumers.forEach((consumer) => consumer.wake()),
    );
    this.maintenance = new Maintenance(this.pool, schema, resolveMaintenance(options.maintenance), this.logger);
    this.backlogSql = backlogStatement(schema.sql);
  }

  /** `<schema>.deliveries:<messageClass>`: where rows of a type wait, for the AsyncAPI document. */
  addressOf(messageClass: string): string {
    return `${this.schema}.deliveries:${messageClass}`;
  }

  /** The default codec labels each payload with its serializer's content type (the bus tells it). */
  useContentTypes(contentTypeOf: (serializer: string) => string | undefined): void {
    if (this.options.codec) return;
    this.codec = new CloudEventsFrameCodec((serializer) => contentTypeOf(serializer) ?? 'application/json');
  }

  /**
   * Resolves once the message and its deliveries are committed (no subscribed group: nothing to
   * deliver, resolves). With `transaction`, they are written through it and commit or roll back
   * with it; the NOTIFY goes out at its commit.
   */
  async publish(envelope: Envelope, options?: TransportPublishOptions): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.kind);
    const frame = this.codec.encode(envelope);
    const { uuid, messageClass } = envelope.header;
    assertFrameSize(frame, this.maxFrameBytes, this.kind, messageClass);
    await this.insert(
      [this.statements.publish, this.statements.publishWithoutNotify],
      [uuid, messageClass, frame],
      options,
      `publishing ${messageClass}`,
    );
  }

  /**
   * Publishes many envelopes in one statement (one array parameter per column, so any number),
   * in their order, with the same options; inside `transaction` when given. Every frame is
   * checked before anything is written: one too large, and none is sent.
   */
  async publishBatch(envelopes: readonly Envelope[], options?: TransportPublishOptions): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.kind);
    if (envelopes.length === 0) return;
    const uuids: string[] = [];
    const classes: string[] = [];
    const frames: string[] = [];
    for (const envelope of envelopes) {
      const frame = this.codec.encode(envelope);
      assertFrameSize(frame, this.maxFrameBytes, this.kind, envelope.header.messageClass);
      uuids.push(envelope.header.uuid);
      classes.push(envelope.header.messageClass);
      frames.push(frame);
    }
    const keys = envelopes.map(() => options?.orderingKey ?? null);
    await this.insert(
      [this.statements.publishBatch, this.statements.publishBatchWithoutNotify],
      [uuids, classes, frames, keys],
      options,
      `publishing ${envelopes.length} messages (${[...new Set(classes)].slice(0, 3).join(', ')})`,
      true,
    );
  }

  /**
   * Runs a publishing statement: through the caller's transaction under a savepoint, or on the
   * pool (retried while the server is away). A delayed publish sends no NOTIFY: nothing is due
   * yet, and the poll finds it when it is.
   */
  private async insert(
    [withNotify, withoutNotify]: [string, string],
    rows: unknown[],
    options: TransportPublishOptions | undefined,
    activity: string,
    batch = false,
  ): Promise<void> {
    const transaction = options?.transaction === undefined ? undefined : resolveTransaction(options.transaction);
    const notBefore = options?.notBefore;
    const notify = this.notify && !(notBefore !== undefined && notBefore.getTime() > Date.now());
    const params = [
      ...rows,
      ...(batch
        ? [notBefore ?? null, options?.priority ?? 0]
        : [notBefore ?? null, options?.priority ?? 0, options?.orderingKey ?? null]),
      // Inside a caller's transaction nothing is skipped: it commits at a time unknown here, and
      // the server sends identical notifications of one transaction once.
      ...(notify ? [this.channel, transaction ? [] : this.throttle.recent()] : []),
    ];
    const text = notify ? withNotify : withoutNotify;
    if (transaction) {
      try {
        await runInTransaction(transaction, text, params);
      } catch (error) {
        if (error instanceof TransactionRequiredError) throw error;
        throw new PostgresQueryError(`${activity} inside your transaction`, { cause: error });
      }
      return;
    }
    const { rows: fanned } = await runStatement<FannedGroup & Record<string, unknown>>(
      this.pool,
      text,
      params,
      activity,
      this.publishTimeoutMs,
    );
    if (notify) this.throttle.committed(fanned);
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closing) throw new TransportClosedError(this.kind);
    await this.start();
    const group = this.options.group ?? options.group;
    if (group === 'default')
      this.logger.warn(
        'PostgreSQL consumer group is "default" because the bus has no `entity`: every service without one ' +
          'joins this group and they split messages between them instead of each getting every message. ' +
          "Set `entity` (SmartMessageModule.forRoot({ entity: 'orders', ... }) or new MessageBus({ entity }))",
        { group },
      );
    // Registered before resolving: a publish after subscribe() fans out to this group (rule 5).
    await runStatement(
      this.pool,
      this.statements.subscribe,
      [messageClass, group, this.consumerName],
      `subscribing consumer group ${group} to ${messageClass}`,
      this.publishTimeoutMs,
    );
    const queue = new DeliveryQueue(handler, options);
    const consumer = new DeliveryConsumer(
      {
        messageClass,
        group,
        owner: this.consumerName,
        prefetch: this.prefetch,
        leaseMs: this.leaseMs,
        // With LISTEN, new rows wake the consumer: its own poll is only the slow backstop, and
        // the listener polls for it at pollIntervalMs while LISTEN is down.
        pollIntervalMs: this.notify ? this.idlePollIntervalMs : this.pollIntervalMs,
        maxDeliveries: this.maxDeliveries,
        maxFrameBytes: this.maxFrameBytes,
        retryBackoff: this.retryBackoff,
      },
      queue,
      options,
      { pool: this.pool, statements: this.statements, codec: () => this.codec, acks: this.acks, logger: this.logger },
    );
    this.consumers.add(consumer);
    let byClass = this.consumersByClass.get(messageClass);
    if (!byClass) this.consumersByClass.set(messageClass, (byClass = new Set()));
    byClass.add(consumer);
    let byGroup = this.consumersByGroup.get(group);
    if (!byGroup) this.consumersByGroup.set(group, (byGroup = new Set()));
    byGroup.add(consumer);
    consumer.start();
    let unsubscribing: Promise<void> | undefined;
    return {
      unsubscribe: () =>
        (unsubscribing ??= (async () => {
          this.consumers.delete(consumer);
          byClass.delete(consumer);
          byGroup.delete(consumer);
          await consumer.stop();
          await this.acks.flush();
        })()),
      // Rows given up on stay in the table: they are made due again after the retry backoff, for
      // this or another instance, and no dead letter is written that a replay would run twice.
      abandon: () => queue.abandonWaiting(false),
    };
  }

  /**
   * Connects (bounded by `connectTimeoutMs`, failing with PostgresConnectionError naming host,
   * port, cause and fix), applies the migrations unless `migrate: false`, and starts LISTEN.
   * Idempotent; a failed start is forgotten, so a later call tries again.
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.open().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /**
   * Down when `SELECT 1` does not answer within `timeoutMs`, or when a group and message type
   * this instance consumes is past a limit: `maxLag` (ready rows), `maxPending` (leased rows),
   * `maxOldestDueAgeMs` (how long the oldest ready row has been due). Details name each of this
   * instance's subscriptions with its backlog, and whether LISTEN is in place (`listen`: true,
   * false while it reconnects, `'off'` with `notify: false`; as of the last heartbeat). Never throws.
   */
  async health(timeoutMs: number, limits: TransportHealthLimits = {}): Promise<TransportHealth> {
    if (this.closing) return { up: false, details: { closed: true } };
    const started = Date.now();
    try {
      await queryWithin(this.pool, 'SELECT 1', timeoutMs, 'the health check');
    } catch (error) {
      // The LISTEN state still tells an operator whether the listener saw the outage too.
      return { up: false, details: { error: (error as Error).message, listen: this.listenState() } };
    }
    const pingMs = Date.now() - started;
    const problems: string[] = [];
    const warnings: string[] = [];
    const groups: Record<string, Record<string, Omit<QueueBacklog, 'group' | 'messageClass'>>> = {};
    const mine = new Set([...this.consumers].map((consumer) => consumer.key));
    if (mine.size > 0) {
      try {
        for (const backlog of await this.backlog(Math.max(1, timeoutMs - pingMs))) {
          if (!mine.has(`${backlog.group}\u0000${backlog.messageClass}`)) continue;
          const { group, messageClass, ...counts } = backlog;
          (groups[group] ??= {})[messageClass] = counts;
          problems.push(...backlogProblems(backlog, limits));
        }
      } catch (error) {
        // Without limits the backlog is information only; with them an unanswered count cannot say up.
        const line = `backlog: ${(error as Error).message}`;
        const limited = [limits.maxLag, limits.maxPending, limits.maxOldestDueAgeMs].some(
          (limit) => limit !== undefined,
        );
        if (limited) problems.push(line);
        else warnings.push(line);
      }
    }
    return {
      up: problems.length === 0,
      details: {
        pingMs,
        consumer: this.consumerName,
        schema: this.schema,
        subscriptions: this.consumers.size,
        listen: this.listenState(),
        groups,
        ...(problems.length > 0 ? { problems } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    };
  }

  /**
   * The waiting rows of every consumer group and message type in the schema (every service's,
   * not only this instance's), by state, with how long the oldest ready row has been due: one
   * statement, given `timeoutMs` (as `statement_timeout` too) before it rejects. Groups with a
   * subscription and nothing waiting are listed with zeros.
   */
  async backlog(timeoutMs: number): Promise<QueueBacklog[]> {
    if (this.closing) throw new TransportClosedError(this.kind);
    const rows = await queryWithin<{
      group_name: string;
      message_class: string;
      ready: number;
      delayed: number;
      leased: number;
      oldest_due_age_ms: string;
    }>(this.pool, this.backlogSql, timeoutMs, 'counting the PostgreSQL backlog');
    return rows.map((row) => ({
      group: row.group_name,
      messageClass: row.message_class,
      ready: row.ready,
      delayed: row.delayed,
      leased: row.leased,
      oldestDueAgeMs: Math.max(0, Number(row.oldest_due_age_ms)),
    }));
  }

  /**
   * Runs maintenance once now, whatever the `maintenance` option: deletes dead letters past
   * their retention, then messages past theirs that nothing refers to, in batches. Resolves with
   * `ran: false` when another instance is running it.
   */
  async maintain(): Promise<PostgresMaintenanceReport> {
    if (this.closing) throw new TransportClosedError(this.kind);
    await this.start();
    return this.maintenance.run();
  }

  /** Stops claiming, waits for in-flight handlers, writes their rows, then closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.maintenance.stop();
      await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
      await this.acks.flush();
      this.throttle.close();
      await this.listener?.stop();
      await this.pool.end().catch(() => undefined);
    })();
    return this.closing;
  }

  private listenState(): boolean | 'off' {
    return this.notify ? (this.listener?.listening ?? false) : 'off';
  }

  private async open(): Promise<void> {
    await connectAtStartup(this.pool, postgresEndpoint(this.config), this.connectTimeoutMs);
    if (this.options.migrate ?? true) await runMigrations(this.pool, { name: this.schema, sql: this.schemaSql });
    if (this.options.maintenance !== false) this.maintenance.start();
    if (this.notify && !this.listener) {
      this.listener = new WakeListener(
        {
          config: this.options.listenConnectionString
            ? { ...this.config, connectionString: this.options.listenConnectionString }
            : this.config,
          channel: this.channel,
          heartbeatMs: this.listenHeartbeatMs,
          heartbeatTimeoutMs: this.listenHeartbeatTimeoutMs,
          ...(this.idlePollIntervalMs > this.pollIntervalMs ? { downPollMs: this.pollIntervalMs } : {}),
        },
        {
          // The payload is a group's name; older publishers (in a rolling deploy) send the class's name.
          wake: (payload) =>
            (this.consumersByGroup.get(payload) ?? this.consumersByClass.get(payload))?.forEach((consumer) =>
              consumer.wake(),
            ),
          wakeAll: () => this.consumers.forEach((consumer) => consumer.wake()),
        },
        this.logger,
      );
      await this.listener.start();
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new InvalidOptionError(OWNER, option, value, 'a positive integer');
  return value;
}
