/**
 * The SQL of the work queue for one schema, built once. Every statement that changes a claimed
 * row is fenced by `(id, attempts, lease_owner)`: the attempt number is the lease's generation,
 * so a consumer whose lease expired and was claimed again (even by itself) changes nothing.
 */
export class QueueStatements {
  /**
   * Inserts the message and one delivery per subscribed group in one statement, the deliveries
   * due at `notBefore` (null: now), with `priority` and `orderingKey`. With a key, a
   * transaction-scoped advisory lock on (schema, key) is taken before the insert draws its ids,
   * so the ids of one key follow commit order (a second publisher of the key waits for the first
   * to commit or roll back). NOTIFY (when asked) carries the group's name, is sent at commit only,
   * and not for the groups in `skip` (notified a moment ago). Returns one row per receiving group.
   * Params: uuid, class, frame, notBefore, priority, orderingKey[, channel, skip[]].
   */
  readonly publish: string;
  readonly publishWithoutNotify: string;
  /**
   * The same for many messages in one statement, over one array parameter per column (no
   * 65,535-parameter limit); ids follow the array's order. Keys are locked in sorted order, so
   * two batches sharing keys cannot deadlock on each other.
   * Params: uuids[], classes[], frames[], orderingKeys[], notBefore, priority[, channel, skip[]].
   */
  readonly publishBatch: string;
  readonly publishBatchWithoutNotify: string;
  /**
   * Claims up to $3 due rows of one group and class, in priority then due order, skipping rows
   * other consumers hold and keyed rows behind an older row of their group and key (leased,
   * waiting for a retry, or not yet due: any class), and in the same statement pushes them out by the lease and counts the
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

  constructor(s: string, schemaName: string) {
    // The schema is part of the lock's key, so two schemas in one database do not serialize each other's keys.
    const lockKey = (key: string): string => `hashtextextended('${schemaName}:' || ${key}, 0)`;
    const fannedTo = (notify: boolean): string =>
      notify
        ? // pg_notify returns void, which IS NOT NULL: the column says whether this group was notified.
          `
SELECT received.group_name,
  CASE WHEN received.group_name = ANY($8::text[]) THEN false ELSE pg_notify($7, received.group_name) IS NOT NULL END AS notified
FROM (SELECT DISTINCT group_name FROM fanned) AS received`
        : `
SELECT DISTINCT group_name, false AS notified FROM fanned`;
    const insert = `
WITH locked AS (
  SELECT CASE WHEN $6::text IS NULL THEN NULL ELSE pg_advisory_xact_lock(${lockKey('$6::text')}) END AS held
), message AS (
  INSERT INTO ${s}.messages (uuid, message_class, frame) SELECT $1, $2, $3 FROM locked RETURNING seq
), fanned AS (
  INSERT INTO ${s}.deliveries (message_seq, group_name, message_class, priority, visible_at, ordering_key)
  SELECT message.seq, subscription.group_name, subscription.message_class, $5::int,
    coalesce($4::timestamptz, now()), $6::text
  FROM message CROSS JOIN ${s}.subscriptions AS subscription
  WHERE subscription.message_class = $2
  ORDER BY subscription.group_name
  RETURNING group_name
)`;
    this.publish = insert + fannedTo(true);
    this.publishWithoutNotify = insert + fannedTo(false);
    const insertBatch = `
WITH locked AS (
  SELECT count(*) AS held FROM (
    SELECT pg_advisory_xact_lock(${lockKey('keys.ordering_key')})
    FROM (SELECT DISTINCT ordering_key FROM unnest($4::text[]) AS given(ordering_key)
      WHERE ordering_key IS NOT NULL ORDER BY ordering_key) AS keys
  ) AS locks
), input AS (
  SELECT nextval(pg_get_serial_sequence('${s}.messages', 'seq')) AS seq, given.*
  FROM locked CROSS JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
    AS given(uuid, message_class, frame, ordering_key, position)
  ORDER BY given.position
), message AS (
  INSERT INTO ${s}.messages (seq, uuid, message_class, frame) OVERRIDING SYSTEM VALUE
  SELECT seq, uuid, message_class, frame FROM input ORDER BY position
), fanned AS (
  INSERT INTO ${s}.deliveries (message_seq, group_name, message_class, priority, visible_at, ordering_key)
  SELECT input.seq, subscription.group_name, subscription.message_class, $6::int,
    coalesce($5::timestamptz, now()), input.ordering_key
  FROM input JOIN ${s}.subscriptions AS subscription ON subscription.message_class = input.message_class
  ORDER BY input.position, subscription.group_name
  RETURNING group_name
)`;
    this.publishBatch = insertBatch + fannedTo(true);
    this.publishBatchWithoutNotify = insertBatch + fannedTo(false);
    this.claim = `
WITH due AS (
  SELECT id FROM ${s}.deliveries AS candidate
  WHERE group_name = $1 AND message_class = $2 AND visible_at <= now()
    AND (candidate.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM ${s}.deliveries AS older
      WHERE older.group_name = candidate.group_name AND older.ordering_key = candidate.ordering_key
        AND older.id < candidate.id))
  ORDER BY priority DESC, visible_at, id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE ${s}.deliveries AS delivery
  SET visible_at = now() + $4::int * interval '1 millisecond', attempts = delivery.attempts + 1, lease_owner = $5
  FROM due WHERE delivery.id = due.id
  RETURNING delivery.id, delivery.message_seq, delivery.attempts, delivery.priority, delivery.ordering_key
)
SELECT claimed.id, claimed.attempts, claimed.ordering_key IS NOT NULL AS keyed, octet_length(message.frame) AS bytes,
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
