import { Pool, type PoolClient } from 'pg';
import {
  DeadLetterEntry,
  DeadLetterFilter,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterStats,
  DeadLetterStore,
  toStoredDeadLetter,
  UNKNOWN_MESSAGE_CLASS,
  UndeliverableReason,
} from '@smart-message/nestjs';
import {
  compileDeadLetterFilter,
  DeadLetterBounds,
  EvictedDeadLetter,
  parseStoredDeadLetter,
  reportEvictions,
  resolveDeadLetterBounds,
  resolvePaging,
} from '@smart-message/nestjs/transport-kit';
import { PostgresQueryError } from '../errors/postgres-query.error';
import { runMigrations } from '../schema/run-migrations';
import { schemaOption } from '../schema/schema-name';
import { DeadLetterStoreStatements } from './dead-letter-store-statements';
import { PostgresDeadLetterStoreOptions } from './postgres-dead-letter-store-options.interface';

const STORE_NAME = 'PostgresDeadLetterStore';
/** First key of the advisory lock that orders the writes of one store; the second is the schema's hash. */
const WRITE_LOCK_CLASS = 0x534d_444c; // "SMDL"

type StatsRow = {
  by_reason: number;
  by_class: number;
  by_handler: number;
  reason: string | null;
  message_class: string | null;
  handler_id: string | null;
  entries: number;
  oldest_ms: string | null;
  newest_ms: string | null;
};

/**
 * Dead letters in a PostgreSQL table, shared by every instance of a service: one row per entry,
 * its stored JSON (binary payloads as base64) beside the few columns filters, order and bounds
 * read (reason, message class, handler, last failure time, size), so a list reads the entries
 * of its page only and stats never parse an entry. Bounded in entries and bytes: the write that
 * crosses a bound evicts the entries of oldest last failure, in the same transaction, under a
 * transaction-scoped advisory lock (so it works behind PgBouncer in transaction mode).
 */
export class PostgresDeadLetterStore implements DeadLetterStore {
  /** The schema of the store's table. */
  readonly schema: string;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly bounds: DeadLetterBounds;
  private readonly statements: DeadLetterStoreStatements;
  private readonly schemaSql: string;
  private readonly migrate: boolean;
  private ready?: Promise<void>;

  constructor(options: PostgresDeadLetterStoreOptions = {}) {
    this.bounds = resolveDeadLetterBounds(options, STORE_NAME);
    const schema = schemaOption(options.schema, STORE_NAME);
    this.schema = schema.name;
    this.schemaSql = schema.sql;
    this.migrate = options.migrate ?? true;
    this.statements = new DeadLetterStoreStatements(schema.sql);
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      this.pool = new Pool({
        max: 2,
        ...options.poolConfig,
        ...(options.connectionString ? { connectionString: options.connectionString } : {}),
        application_name: options.poolConfig?.application_name ?? 'smart-message:dead-letters',
      });
      this.ownsPool = true;
      // An idle client whose backend went away emits `error` on the pool; unhandled it would end the process.
      this.pool.on('error', () => undefined);
    }
  }

  async upsert(entry: DeadLetterEntry): Promise<void> {
    const text = JSON.stringify(toStoredDeadLetter(entry));
    const bytes = Buffer.byteLength(text, 'utf8');
    const messageClass = entry.envelope?.header.messageClass;
    if (bytes > this.bounds.maxBytes) {
      await this.query(this.statements.countRefused, [], 'counting a dead letter too large to keep');
      reportEvictions(STORE_NAME, this.bounds, [
        { id: entry.id, ...(messageClass === undefined ? {} : { messageClass }), reason: entry.reason, bytes },
      ]);
      return;
    }
    const evicted = await this.transaction('recording a dead letter', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [WRITE_LOCK_CLASS, this.schema]);
      await client.query(this.statements.upsert, [
        columnText(entry.id),
        columnText(entry.reason),
        messageClass === undefined ? null : columnText(messageClass),
        entry.handlerId === undefined ? null : columnText(entry.handlerId),
        failureMs(entry.lastFailedAt),
        bytes,
        text,
      ]);
      const { rows } = await client.query<{ id: string; message_class: string | null; reason: string; bytes: number }>(
        this.statements.evict,
        [columnText(entry.id), this.bounds.maxEntries, this.bounds.maxBytes],
      );
      return rows;
    });
    reportEvictions(
      STORE_NAME,
      this.bounds,
      evicted.map((row): EvictedDeadLetter => ({
        id: row.id,
        ...(row.message_class === null ? {} : { messageClass: row.message_class }),
        reason: row.reason,
        bytes: row.bytes,
      })),
    );
  }

  async get(id: string): Promise<DeadLetterEntry | undefined> {
    const { rows } = await this.query<{ entry: string }>(
      this.statements.get,
      [columnText(id)],
      'reading a dead letter',
    );
    return rows[0] === undefined ? undefined : parseStoredDeadLetter(rows[0].entry);
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    const filter = filterParams(query);
    const { offset, limit, order } = resolvePaging(query);
    const { rows } = await this.query<{ total: number }>(this.statements.count, filter, 'counting dead letters');
    const total = rows[0]?.total ?? 0;
    if (limit === 0 || offset >= total) return { entries: [], total, offset, limit };
    const statement = order === 'newest-first' ? this.statements.listNewestFirst : this.statements.listOldestFirst;
    const page = await this.query<{ entry: string }>(statement, [...filter, limit, offset], 'listing dead letters');
    const entries = page.rows
      .map((row) => parseStoredDeadLetter(row.entry))
      .filter((entry): entry is DeadLetterEntry => entry !== undefined);
    return { entries, total, offset, limit };
  }

  async stats(filter: DeadLetterFilter = {}): Promise<DeadLetterStats> {
    const params = filterParams(filter);
    const [{ rows }, evicted] = await Promise.all([
      this.query<StatsRow>(this.statements.stats, params, 'counting dead letters'),
      this.query<{ evicted: string }>(this.statements.evicted, [], 'counting evicted dead letters'),
    ]);
    const stats: DeadLetterStats = {
      total: 0,
      byReason: {},
      byMessageClass: {},
      byHandler: {},
      evicted: Number(evicted.rows[0]?.evicted ?? 0),
    };
    for (const row of rows) {
      if (row.by_reason === 0 && row.reason !== null) stats.byReason[row.reason as UndeliverableReason] = row.entries;
      else if (row.by_class === 0) stats.byMessageClass[row.message_class ?? UNKNOWN_MESSAGE_CLASS] = row.entries;
      else if (row.by_handler === 0) {
        if (row.handler_id !== null) stats.byHandler[row.handler_id] = row.entries;
      } else if (row.entries > 0) {
        stats.total = row.entries;
        stats.oldestFailedAt = new Date(Number(row.oldest_ms)).toISOString();
        stats.newestFailedAt = new Date(Number(row.newest_ms)).toISOString();
      }
    }
    return stats;
  }

  async remove(id: string): Promise<boolean> {
    const { rowCount } = await this.query(this.statements.remove, [columnText(id)], 'removing a dead letter');
    return (rowCount ?? 0) > 0;
  }

  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const { rowCount } = await this.query(this.statements.purge, filterParams(filter), 'purging dead letters');
    return rowCount ?? 0;
  }

  /** Ends the pool the store opened; a `pool` given in the options is left open. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }

  private async query<Row extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params: unknown[],
    activity: string,
  ): Promise<{ rows: Row[]; rowCount: number | null }> {
    await this.open();
    try {
      return await this.pool.query<Row>(text, params);
    } catch (error) {
      throw new PostgresQueryError(`${activity} (${STORE_NAME}, schema ${this.schema})`, { cause: error });
    }
  }

  private async transaction<T>(activity: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.open();
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client?.query('ROLLBACK').catch(() => undefined);
      throw new PostgresQueryError(`${activity} (${STORE_NAME}, schema ${this.schema})`, { cause: error });
    } finally {
      client?.release();
    }
  }

  /** Migrates once on first use (unless `migrate: false`); a failure is forgotten, so the next call tries again. */
  private open(): Promise<void> {
    if (!this.migrate) return Promise.resolve();
    this.ready ??= runMigrations(this.pool, { name: this.schema, sql: this.schemaSql }).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }
}

/** The five filter parameters every filtered statement takes; validates the filter as every store does. */
function filterParams(filter: DeadLetterFilter): unknown[] {
  const compiled = compileDeadLetterFilter(filter);
  return [
    listParam(filter.messageClass),
    listParam(filter.handlerId),
    listParam(filter.reason),
    compiled.sinceMs ?? null,
    compiled.untilMs ?? null,
  ];
}

function listParam(value: string | string[] | undefined): string[] | null {
  if (value === undefined) return null;
  return (Array.isArray(value) ? value : [value]).map(columnText);
}

/**
 * PostgreSQL text cannot hold NUL, which a hostile frame's type or a handler id could carry:
 * the index columns (and the filters compared with them) hold U+FFFD instead. The entry JSON
 * keeps the original, escaped.
 */
function columnText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** An unreadable time orders as the epoch rather than failing the write that records the failure. */
function failureMs(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}
