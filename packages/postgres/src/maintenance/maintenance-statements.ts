/**
 * The deletes of a maintenance run, for one schema, each bounded by `LIMIT $2` and skipping
 * rows another transaction holds. Params: retention ms, batch size.
 */
export class MaintenanceStatements {
  /** Dead letters older than the retention. */
  readonly pruneDeadLetters: string;
  /**
   * Messages past the retention that no delivery and no dead letter refers to. Deliveries are
   * inserted by the statement that inserts their message, so a message with none left never
   * gets one again: a later feature that adds deliveries to a stored message (a replay) must
   * lock the message row `FOR SHARE` first, which this delete then skips.
   */
  readonly pruneMessages: string;
  /** Inbox records older than the retention. */
  readonly pruneInbox: string;
  /** Outbox rows the relay gave up on, older than the retention. */
  readonly pruneOutboxDeadLetters: string;
  /** Deduplication marks and records whose own expiry passed (the retention parameter is unused). */
  readonly pruneDeduplication: string;

  constructor(s: string) {
    const olderThan = `now() - $1::double precision * interval '1 millisecond'`;
    this.pruneDeadLetters = `
WITH old AS (
  SELECT id FROM ${s}.dead_letters WHERE failed_at < ${olderThan}
  ORDER BY failed_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM ${s}.dead_letters AS dead USING old WHERE dead.id = old.id`;
    this.pruneMessages = `
WITH old AS (
  SELECT message.seq FROM ${s}.messages AS message
  WHERE message.published_at < ${olderThan}
    AND NOT EXISTS (SELECT 1 FROM ${s}.deliveries AS delivery WHERE delivery.message_seq = message.seq)
    AND NOT EXISTS (SELECT 1 FROM ${s}.dead_letters AS dead WHERE dead.message_seq = message.seq)
  ORDER BY message.published_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM ${s}.messages AS message USING old WHERE message.seq = old.seq`;
    this.pruneInbox = `
WITH old AS (
  SELECT consumer, message_uuid FROM ${s}.inbox WHERE processed_at < ${olderThan}
  ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM ${s}.inbox AS inbox USING old
WHERE inbox.consumer = old.consumer AND inbox.message_uuid = old.message_uuid`;
    this.pruneOutboxDeadLetters = `
WITH old AS (
  SELECT id FROM ${s}.outbox_dead_letters WHERE failed_at < ${olderThan}
  ORDER BY failed_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM ${s}.outbox_dead_letters AS dead USING old WHERE dead.id = old.id`;
    this.pruneDeduplication = `
WITH old AS (
  SELECT handler_id, message_key FROM ${s}.deduplication WHERE expires_at < now() AND $1::double precision >= 0
  ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM ${s}.deduplication AS mark USING old
WHERE mark.handler_id = old.handler_id AND mark.message_key = old.message_key`;
  }
}
