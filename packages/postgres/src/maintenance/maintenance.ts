import type { Pool } from 'pg';
import { InvalidOptionError, MessageLogger } from '@smart-message/nestjs';
import { MaintenanceStatements } from './maintenance-statements';
import { PostgresMaintenanceOptions, PostgresMaintenanceReport } from './postgres-maintenance-options.interface';

/** First key of the advisory lock that lets one instance at a time run maintenance; the second is the schema's hash. */
export const MAINTENANCE_LOCK_CLASS = 0x534d_4d54; // "SMMT"

const HOUR_MS = 3_600_000;
const OWNER = 'PostgresTransport';

export interface ResolvedMaintenance {
  intervalMs: number;
  messagesMs: number;
  deadLettersMs: number;
  inboxMs: number;
  batchSize: number;
  maxBatchesPerRun: number;
  lockTimeoutMs: number;
}

/** Checks the `maintenance` option; `false` still gives the settings `maintain()` runs with. */
export function resolveMaintenance(options: PostgresMaintenanceOptions | false | undefined): ResolvedMaintenance {
  const given = options === false || options === undefined ? {} : options;
  if (typeof given !== 'object' || given === null)
    throw new InvalidOptionError(OWNER, 'maintenance', options, 'false or an object of maintenance options');
  return {
    intervalMs: positive(given.intervalMs, 60_000, 'maintenance.intervalMs'),
    messagesMs: positive(given.retention?.messagesMs, HOUR_MS, 'maintenance.retention.messagesMs'),
    deadLettersMs: positive(given.retention?.deadLettersMs, 7 * 24 * HOUR_MS, 'maintenance.retention.deadLettersMs'),
    inboxMs: positive(given.retention?.inboxMs, 7 * 24 * HOUR_MS, 'maintenance.retention.inboxMs'),
    batchSize: positive(given.batchSize, 1000, 'maintenance.batchSize'),
    maxBatchesPerRun: positive(given.maxBatchesPerRun, 100, 'maintenance.maxBatchesPerRun'),
    lockTimeoutMs: positive(given.lockTimeoutMs, 1000, 'maintenance.lockTimeoutMs'),
  };
}

/**
 * Prunes the transport's tables in short transactions, each of which first takes
 * `pg_try_advisory_xact_lock` on the schema: while one instance is inside a batch, another
 * finds the lock taken and skips its run. Transaction-scoped, so the lock is released by the
 * batch's COMMIT or ROLLBACK on the same backend, and works behind PgBouncer in transaction
 * mode, where a session lock would leak onto another client's backend.
 */
export class Maintenance {
  private readonly schema: string;
  private readonly statements: MaintenanceStatements;
  private timer?: NodeJS.Timeout;
  private running?: Promise<PostgresMaintenanceReport>;
  private failing = false;

  constructor(
    private readonly pool: Pool,
    schema: { name: string; sql: string },
    private readonly settings: ResolvedMaintenance,
    private readonly logger: MessageLogger,
  ) {
    this.schema = schema.name;
    this.statements = new MaintenanceStatements(schema.sql);
  }

  /** Runs every `intervalMs`; a run still going when the next is due is not doubled. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.run().catch(() => undefined), this.settings.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One run now (or the one in progress). A failure is logged once until a run succeeds again, and rethrown. */
  run(): Promise<PostgresMaintenanceReport> {
    this.running ??= this.prune()
      .then(
        (report) => {
          if (this.failing) this.logger.log('PostgreSQL maintenance runs again', { schema: this.schema });
          this.failing = false;
          return report;
        },
        (error: unknown) => {
          if (!this.failing)
            this.logger.warn('PostgreSQL maintenance failed; it is tried again at the next interval', {
              schema: this.schema,
              error: (error as Error).message,
            });
          this.failing = true;
          throw error;
        },
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async prune(): Promise<PostgresMaintenanceReport> {
    const report: PostgresMaintenanceReport = {
      ran: false,
      messages: 0,
      deadLetters: 0,
      inbox: 0,
      outboxDeadLetters: 0,
      deduplication: 0,
      batches: 0,
      more: false,
    };
    // Dead letters first: the messages only they still held are freed in the same run.
    const tables = [
      { statement: this.statements.pruneDeadLetters, retentionMs: this.settings.deadLettersMs, count: 'deadLetters' },
      { statement: this.statements.pruneMessages, retentionMs: this.settings.messagesMs, count: 'messages' },
      { statement: this.statements.pruneInbox, retentionMs: this.settings.inboxMs, count: 'inbox' },
      {
        statement: this.statements.pruneOutboxDeadLetters,
        retentionMs: this.settings.deadLettersMs,
        count: 'outboxDeadLetters',
      },
      { statement: this.statements.pruneDeduplication, retentionMs: 0, count: 'deduplication' },
    ] as const;
    for (const table of tables) {
      for (let batch = 0; ; batch++) {
        if (batch === this.settings.maxBatchesPerRun) {
          report.more = true;
          break;
        }
        const deleted = await this.batch(table.statement, table.retentionMs);
        if (deleted === undefined) return report; // another instance holds the lock
        report.ran = true;
        report.batches++;
        report[table.count] += deleted;
        if (deleted < this.settings.batchSize) break;
      }
    }
    return report;
  }

  /** One delete in its own transaction under the lock; undefined when another instance holds it. */
  private async batch(statement: string, retentionMs: number): Promise<number | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS locked',
        [MAINTENANCE_LOCK_CLASS, this.schema],
      );
      if (!rows[0]?.locked) {
        await client.query('ROLLBACK');
        return undefined;
      }
      // Integers checked at construction: safe in the text (SET takes no parameters).
      await client.query(`SET LOCAL lock_timeout = ${this.settings.lockTimeoutMs}`);
      const { rowCount } = await client.query(statement, [retentionMs, this.settings.batchSize]);
      await client.query('COMMIT');
      return rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new InvalidOptionError(OWNER, option, value, 'a positive whole number');
  return value;
}
