/**
 * The SQL of the work queue for one schema, built once. Every statement that changes a claimed
 * row is fenced by `(id, attempts, lease_owner)`: the attempt number is the lease's generation,
 * so a consumer whose lease expired and was claimed again (even by itself) changes nothing.
 */
export class QueueStatements {
  /**
   * Inserts the message and one delivery per subscribed group in one statement; NOTIFY (when
   * asked) is sent at commit only, and only when some group receives the message. Identical
   * notifications in one transaction are collapsed by the server.
   * Params: uuid, class, frame[, channel].
   */
  readonly publish: string;
  readonly publishWithoutNotify: string;
  /**
   * Claims up to $3 due rows of one group and class, in priority then due order, skipping rows
   * other consumers hold, and in the same statement pushes them out by the lease and counts the
   * attempt. The frame is only read up to $6 bytes: a larger one comes back as its first 1024
   * characters, so a hostile row cannot make the consumer hold it whole.
   * Params: group, class, limit, leaseMs, owner, maxFrameBytes.
   */
  readonly claim: string;
  /** Deletes handled rows. Params: ids[], attempts[], owner. */
  readonly ack: string;
  /** Makes a failed row due again after a delay. Params: id, attempts, owner, delayMs. */
  readonly retry: string;
  /** Moves a row to dead_letters with its reason, in one statement. Params: id, attempts, owner, reason, error, deliveries reported. */
  readonly deadLetter: string;
  /** Registers a group for a class (so publishes fan out to it) and records this instance's heartbeat. Params: class, group, owner. */
  readonly subscribe: string;

  constructor(s: string) {
    const insert = `
WITH message AS (
  INSERT INTO ${s}.messages (uuid, message_class, frame) VALUES ($1, $2, $3) RETURNING seq
), fanned AS (
  INSERT INTO ${s}.deliveries (message_seq, group_name, message_class)
  SELECT message.seq, subscription.group_name, subscription.message_class
  FROM message CROSS JOIN ${s}.subscriptions AS subscription
  WHERE subscription.message_class = $2
  RETURNING 1
)`;
    this.publish = `${insert}
SELECT pg_notify($4, $2) FROM (SELECT 1 FROM fanned LIMIT 1) AS received`;
    this.publishWithoutNotify = `${insert}
SELECT count(*)::int AS deliveries FROM fanned`;
    this.claim = `
WITH due AS (
  SELECT id FROM ${s}.deliveries
  WHERE group_name = $1 AND message_class = $2 AND visible_at <= now()
  ORDER BY priority DESC, visible_at, id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE ${s}.deliveries AS delivery
  SET visible_at = now() + $4::int * interval '1 millisecond', attempts = delivery.attempts + 1, lease_owner = $5
  FROM due WHERE delivery.id = due.id
  RETURNING delivery.id, delivery.message_seq, delivery.attempts, delivery.priority
)
SELECT claimed.id, claimed.attempts, octet_length(message.frame) AS bytes,
  CASE WHEN octet_length(message.frame) <= $6 THEN message.frame ELSE left(message.frame, 1024) END AS frame
FROM claimed LEFT JOIN ${s}.messages AS message ON message.seq = claimed.message_seq
ORDER BY claimed.priority DESC, claimed.id`;
    this.ack = `
DELETE FROM ${s}.deliveries AS delivery
USING unnest($1::bigint[], $2::int[]) AS done(id, attempts)
WHERE delivery.id = done.id AND delivery.attempts = done.attempts AND delivery.lease_owner = $3`;
    this.retry = `
UPDATE ${s}.deliveries SET visible_at = now() + $4::int * interval '1 millisecond', lease_owner = NULL
WHERE id = $1 AND attempts = $2 AND lease_owner = $3`;
    this.deadLetter = `
WITH removed AS (
  DELETE FROM ${s}.deliveries WHERE id = $1 AND attempts = $2 AND lease_owner = $3
  RETURNING id, message_seq, group_name, message_class, attempts, lease_owner
)
INSERT INTO ${s}.dead_letters (delivery_id, message_seq, group_name, message_class, reason, error, attempts, lease_owner)
SELECT id, message_seq, group_name, message_class, $4, $5, $6::int, lease_owner FROM removed`;
    this.subscribe = `
INSERT INTO ${s}.subscriptions (message_class, group_name, last_seen_by) VALUES ($1, $2, $3)
ON CONFLICT (message_class, group_name) DO UPDATE SET last_seen_at = now(), last_seen_by = excluded.last_seen_by`;
  }
}
