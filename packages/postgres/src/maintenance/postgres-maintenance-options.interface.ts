/** How long the transport keeps what it no longer needs, in ms. */
export interface PostgresRetentionOptions {
  /**
   * A message row is deleted once no delivery and no dead letter refers to it and it was
   * published at least this long ago. Default 3,600,000 (1 h): room to look a message up after
   * it was handled, without keeping every frame forever.
   */
  messagesMs?: number;
  /**
   * Rows of the transport's `dead_letters` and the outbox's `outbox_dead_letters` older than this
   * are deleted. Default 604,800,000 (7 days).
   */
  deadLettersMs?: number;
  /**
   * Inbox records (`PostgresInbox`) older than this are deleted; a message delivered again after
   * that would run again, so keep it longer than any redelivery or replay. Default 604,800,000 (7 days).
   * Expired `PostgresDeduplicationStore` rows are deleted whatever the retention.
   */
  inboxMs?: number;
}

/** The transport's maintenance: pruning on an interval, on one instance at a time. */
export interface PostgresMaintenanceOptions {
  /** Time between runs on each instance, in ms. Default 60,000; the first run is one interval after start. */
  intervalMs?: number;
  retention?: PostgresRetentionOptions;
  /** Rows deleted per statement (each in its own short transaction). Default 1000. */
  batchSize?: number;
  /** Statements per table per run at most; what is left waits for the next run. Default 100. */
  maxBatchesPerRun?: number;
  /**
   * `lock_timeout` of the deletes, in ms: a delete that would wait longer for a row lock gives
   * up (and is tried at the next run) rather than queue other writers behind it. Default 1000.
   */
  lockTimeoutMs?: number;
}

/** What one maintenance run did. */
export interface PostgresMaintenanceReport {
  /** False when another instance was running maintenance, so this one did nothing. */
  ran: boolean;
  /** Message rows deleted. */
  messages: number;
  /** Rows of `dead_letters` deleted. */
  deadLetters: number;
  /** Inbox records deleted. */
  inbox: number;
  /** Rows of `outbox_dead_letters` deleted. */
  outboxDeadLetters: number;
  /** Expired deduplication rows deleted. */
  deduplication: number;
  /** Delete statements run. */
  batches: number;
  /** True when a table had more to delete than `maxBatchesPerRun` allowed: the next run goes on. */
  more: boolean;
}
