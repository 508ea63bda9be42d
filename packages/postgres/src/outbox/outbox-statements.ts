/**
 * The SQL of the outbox for one schema, built once. As in QueueStatements, every statement that
 * changes a claimed row is fenced by `(id, attempts, lease_owner)`: a relay whose lease ended and
 * was taken over changes nothing.
 */
export class OutboxStatements {
  /** Stores one message through the caller's transaction. Params: uuid, destination, class, frame, notBefore|null. */
  readonly store: string;
  /** The same, with a NOTIFY sent at commit. Params: as `store`, channel. */
  readonly storeAndNotify: string;
  /**
   * Claims up to $1 due rows in id order, skipping rows other relays hold, pushing them out by
   * the lease and counting the attempt in the same statement. A frame larger than $4 bytes comes
   * back as its first 1024 characters. Params: limit, leaseMs, owner, maxFrameBytes.
   */
  readonly claim: string;
  /** Deletes published rows (the AckBatcher's shape). Params: ids[], attempts[], owner. */
  readonly delete: string;
  /** Makes a failed row due again after a delay. Params: id, attempts, owner, delayMs, error. */
  readonly retry: string;
  /**
   * Gives back claimed rows that were not tried (an older row of their destination failed), not
   * counting the attempt, due with that row, so they do not overtake it. Params: ids[], attempts[], owner, delayMs.
   */
  readonly release: string;
  /** Moves a row to outbox_dead_letters with its reason, in one statement. Params: id, attempts, owner, reason, error. */
  readonly deadLetter: string;

  constructor(s: string) {
    const insert = `INSERT INTO ${s}.outbox (uuid, destination, message_class, frame, visible_at)
VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()))`;
    this.store = insert;
    // A boolean, not pg_notify's void: Prisma's $queryRawUnsafe (fromPrisma) cannot read a void column.
    this.storeAndNotify = `WITH stored AS (${insert} RETURNING id) SELECT pg_notify($6, '') IS NOT NULL AS notified FROM stored`;
    this.claim = `
WITH due AS (
  SELECT id FROM ${s}.outbox WHERE visible_at <= now()
  ORDER BY id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE ${s}.outbox AS entry
SET visible_at = now() + $2::int * interval '1 millisecond', attempts = entry.attempts + 1, lease_owner = $3
FROM due WHERE entry.id = due.id
RETURNING entry.id, entry.uuid, entry.destination, entry.message_class, entry.attempts, octet_length(entry.frame) AS bytes,
  CASE WHEN octet_length(entry.frame) <= $4 THEN entry.frame ELSE left(entry.frame, 1024) END AS frame`;
    this.delete = `
DELETE FROM ${s}.outbox AS entry
USING unnest($1::bigint[], $2::int[]) AS done(id, attempts)
WHERE entry.id = done.id AND entry.attempts = done.attempts AND entry.lease_owner = $3`;
    this.retry = `
UPDATE ${s}.outbox SET visible_at = now() + $4::int * interval '1 millisecond', lease_owner = NULL, last_error = $5
WHERE id = $1 AND attempts = $2 AND lease_owner = $3`;
    this.release = `
UPDATE ${s}.outbox AS entry
SET visible_at = now() + $4::int * interval '1 millisecond', lease_owner = NULL, attempts = entry.attempts - 1
FROM unnest($1::bigint[], $2::int[]) AS untried(id, attempts)
WHERE entry.id = untried.id AND entry.attempts = untried.attempts AND entry.lease_owner = $3`;
    this.deadLetter = `
WITH removed AS (
  DELETE FROM ${s}.outbox WHERE id = $1 AND attempts = $2 AND lease_owner = $3
  RETURNING id, uuid, destination, message_class, frame, attempts, lease_owner, created_at
)
INSERT INTO ${s}.outbox_dead_letters
  (outbox_id, uuid, destination, message_class, frame, reason, error, attempts, lease_owner, created_at)
SELECT id, uuid, destination, message_class, frame, $4, $5, attempts, lease_owner, created_at FROM removed
RETURNING outbox_id`;
  }
}
