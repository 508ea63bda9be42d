import { randomUUID } from 'node:crypto';
import { Pool, type PoolConfig } from 'pg';
import { DeduplicationStore, MessageLogger } from '@smart-message/nestjs';
import {
  DeduplicationCheck,
  DeduplicationMark,
  DeduplicationRequest,
  deduplicationKey,
  MarkRenewals,
} from '@smart-message/nestjs/transport-kit';
import { runStatement } from '../connection/run-statement';
import { positiveIntegerOption } from '../options/positive-integer-option';
import { runMigrations } from '../schema/run-migrations';
import { schemaOption } from '../schema/schema-name';

const OWNER = 'PostgresDeduplicationStore';
const silentLogger: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Options of `PostgresDeduplicationStore`. Give `connectionString` or `poolConfig`. */
export interface PostgresDeduplicationStoreOptions {
  connectionString?: string;
  poolConfig?: PoolConfig;
  /** Schema of the `deduplication` table. Default `smartmessage`. */
  schema?: string;
  /** How long a processed uuid is remembered, in seconds. Default 3600. */
  ttlSeconds?: number;
  /** How long an in-progress mark outlives its holder, in ms; a running handler renews it every third of that. Default 30,000. */
  leaseMs?: number;
  /** How long one statement waits for a server that is away, in ms, before the check fails (and the delivery is retried). Default 5000. */
  statementTimeoutMs?: number;
  /** Create or upgrade the schema at first use. Default true. */
  migrate?: boolean;
  logger?: MessageLogger;
}

/**
 * The deduplication memory (`@Deduplicate()`, `deduplication: { store }`) in PostgreSQL, shared by
 * every instance of a service: at-least-once with duplicates dropped. The uuid is recorded after
 * the handler succeeded, so a crash between the handler's effects and the record runs it again;
 * for effects in this database that must happen once, use `PostgresInbox.processInTransaction`.
 */
export class PostgresDeduplicationStore implements DeduplicationStore {
  readonly schema: string;
  private readonly pool: Pool;
  private readonly ttlSeconds: number;
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private readonly logger: MessageLogger;
  private readonly statements: { begin: string; complete: string; release: string; renew: string };
  private readonly renewals: MarkRenewals;
  private ready?: Promise<void>;
  private closed?: Promise<void>;

  constructor(private readonly options: PostgresDeduplicationStoreOptions = {}) {
    const schema = schemaOption(options.schema, OWNER);
    this.schema = schema.name;
    this.ttlSeconds = positiveIntegerOption(OWNER, 'ttlSeconds', options.ttlSeconds, 3600);
    this.leaseMs = positiveIntegerOption(OWNER, 'leaseMs', options.leaseMs, 30_000);
    this.timeoutMs = positiveIntegerOption(OWNER, 'statementTimeoutMs', options.statementTimeoutMs, 5000);
    this.logger = options.logger ?? silentLogger;
    this.renewals = new MarkRenewals(
      this.leaseMs,
      this.logger,
      async (mark) =>
        ((
          await this.pool.query(this.statements.renew, [
            mark.handlerId,
            deduplicationKey(mark),
            mark.token,
            this.leaseMs,
          ])
        ).rowCount ?? 0) > 0,
    );
    this.pool = new Pool({
      ...options.poolConfig,
      ...(options.connectionString ? { connectionString: options.connectionString } : {}),
      application_name: options.poolConfig?.application_name ?? 'smart-message-dedup',
    });
    this.pool.on('error', () => undefined);
    const s = schema.sql;
    const ms = `* interval '1 millisecond'`;
    this.statements = {
      // The insert takes the mark when the key is absent or expired; the second select reads the
      // row as it was before, so a live mark or record answers in-progress or duplicate.
      begin: `
WITH taken AS (
  INSERT INTO ${s}.deduplication AS entry (handler_id, message_key, token, processed, expires_at)
  VALUES ($1, $2, $3, false, now() + $4::int ${ms})
  ON CONFLICT (handler_id, message_key) DO UPDATE
    SET token = excluded.token, processed = false, expires_at = excluded.expires_at
    WHERE entry.expires_at <= now()
  RETURNING token
)
SELECT (SELECT token FROM taken) AS taken,
  (SELECT processed FROM ${s}.deduplication WHERE handler_id = $1 AND message_key = $2 AND expires_at > now()) AS processed`,
      complete: `
INSERT INTO ${s}.deduplication AS entry (handler_id, message_key, token, processed, expires_at)
VALUES ($1, $2, NULL, true, now() + $3::int * interval '1 second')
ON CONFLICT (handler_id, message_key) DO UPDATE SET token = NULL, processed = true, expires_at = excluded.expires_at`,
      release: `DELETE FROM ${s}.deduplication WHERE handler_id = $1 AND message_key = $2 AND token = $3 AND NOT processed`,
      renew: `
UPDATE ${s}.deduplication SET expires_at = now() + $4::int ${ms}
WHERE handler_id = $1 AND message_key = $2 AND token = $3 AND NOT processed`,
    };
  }

  async begin(request: DeduplicationRequest): Promise<DeduplicationCheck> {
    await this.migrated();
    const token = randomUUID();
    const key = deduplicationKey(request);
    const { rows } = await this.run<{ taken: string | null; processed: boolean | null }>(
      this.statements.begin,
      [request.handlerId, key, token, this.leaseMs],
      'checking a uuid',
    );
    const [row] = rows;
    if (row?.taken === token) {
      const mark: DeduplicationMark = { ...request, token };
      this.renewals.keep(mark);
      return { status: 'new', mark };
    }
    return { status: row?.processed === true ? 'duplicate' : 'in-progress' };
  }

  async complete(mark: DeduplicationMark): Promise<void> {
    this.renewals.stop(mark);
    await this.run(
      this.statements.complete,
      [mark.handlerId, deduplicationKey(mark), this.ttlSeconds],
      'recording a uuid',
    );
  }

  async release(mark: DeduplicationMark): Promise<void> {
    this.renewals.stop(mark);
    await this.run(this.statements.release, [mark.handlerId, deduplicationKey(mark), mark.token], 'releasing a mark');
  }

  /** Stops renewing marks and closes the pool; the module calls it at shutdown. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.renewals.stopAll();
      await this.pool.end().catch(() => undefined);
    })();
    return this.closed;
  }

  private migrated(): Promise<void> {
    if (this.options.migrate === false) return Promise.resolve();
    this.ready ??= runMigrations(this.pool, schemaOption(this.options.schema, OWNER))
      .then(() => undefined)
      .catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
    return this.ready;
  }

  private run<Row extends Record<string, unknown>>(text: string, params: unknown[], activity: string) {
    return runStatement<Row>(this.pool, text, params, `${activity} in the deduplication store`, this.timeoutMs);
  }
}
