/**
 * The SQL of `PostgresDeadLetterStore` for one schema. Every value is a parameter: entries come
 * from the wire. The filter is the same five parameters in every statement that takes one:
 * message classes[], handler ids[], reasons[], since ms, until ms (each null when not given);
 * an entry without a message class or handler matches `''`, as the other stores do.
 */
export class DeadLetterStoreStatements {
  /** Params: id, reason, message class, handler id, last failure ms, bytes, entry JSON. */
  readonly upsert: string;
  /**
   * Deletes the entries past the bounds, keeping the one just written and then the newest, and
   * counts them as evicted; returns what it deleted. Params: kept id, maxEntries, maxBytes.
   */
  readonly evict: string;
  /** Counts one entry that was not kept at all (larger than maxBytes on its own). */
  readonly countRefused: string;
  /** Params: id. */
  readonly get: string;
  /** Params: the filter, limit, offset. */
  readonly listOldestFirst: string;
  readonly listNewestFirst: string;
  /** Params: the filter. */
  readonly count: string;
  /** Counts per reason, message class and handler, and the oldest and newest failure. Params: the filter. */
  readonly stats: string;
  readonly evicted: string;
  /** Params: id. */
  readonly remove: string;
  /** Params: the filter. */
  readonly purge: string;

  constructor(s: string) {
    const table = `${s}.dead_letter_store`;
    const where = `
WHERE ($1::text[] IS NULL OR coalesce(message_class, '') = ANY($1::text[]))
  AND ($2::text[] IS NULL OR coalesce(handler_id, '') = ANY($2::text[]))
  AND ($3::text[] IS NULL OR reason = ANY($3::text[]))
  AND ($4::bigint IS NULL OR last_failed_ms >= $4::bigint)
  AND ($5::bigint IS NULL OR last_failed_ms < $5::bigint)`;
    this.upsert = `
INSERT INTO ${table} (id, reason, message_class, handler_id, last_failed_ms, bytes, entry)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, message_class = excluded.message_class,
  handler_id = excluded.handler_id, last_failed_ms = excluded.last_failed_ms, bytes = excluded.bytes,
  entry = excluded.entry, written_at = now()`;
    this.evict = `
WITH ranked AS (
  SELECT id,
    count(*) OVER kept AS kept_entries,
    sum(bytes) OVER kept AS kept_bytes
  FROM ${table}
  WINDOW kept AS (ORDER BY (id = $1) DESC, last_failed_ms DESC, id DESC ROWS UNBOUNDED PRECEDING)
), evicted AS (
  DELETE FROM ${table} AS entry USING ranked
  WHERE entry.id = ranked.id AND entry.id <> $1
    AND (ranked.kept_entries > $2::bigint OR ranked.kept_bytes > $3::bigint)
  RETURNING entry.id, entry.message_class, entry.reason, entry.bytes, entry.last_failed_ms
), counted AS (
  UPDATE ${s}.dead_letter_store_state SET evicted = evicted + (SELECT count(*) FROM evicted)
  WHERE EXISTS (SELECT 1 FROM evicted)
)
SELECT id, message_class, reason, bytes FROM evicted ORDER BY last_failed_ms, id`;
    this.countRefused = `UPDATE ${s}.dead_letter_store_state SET evicted = evicted + 1`;
    this.get = `SELECT entry FROM ${table} WHERE id = $1`;
    this.listOldestFirst = `SELECT entry FROM ${table} ${where} ORDER BY last_failed_ms, id LIMIT $6 OFFSET $7`;
    this.listNewestFirst = `SELECT entry FROM ${table} ${where} ORDER BY last_failed_ms DESC, id DESC LIMIT $6 OFFSET $7`;
    this.count = `SELECT count(*)::int AS total FROM ${table} ${where}`;
    this.stats = `
SELECT GROUPING(reason) AS by_reason, GROUPING(message_class) AS by_class, GROUPING(handler_id) AS by_handler,
  reason, message_class, handler_id, count(*)::int AS entries,
  min(last_failed_ms)::text AS oldest_ms, max(last_failed_ms)::text AS newest_ms
FROM ${table} ${where}
GROUP BY GROUPING SETS ((), (reason), (message_class), (handler_id))`;
    this.evicted = `SELECT evicted::text AS evicted FROM ${s}.dead_letter_store_state`;
    this.remove = `DELETE FROM ${table} WHERE id = $1`;
    this.purge = `DELETE FROM ${table} ${where}`;
  }
}
