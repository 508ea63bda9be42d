/** One handler asking about one message. */
export interface DeduplicationRequest {
  readonly handlerId: string;
  /**
   * The sender (the header's `from`). A uuid counts per sender: another sender that publishes
   * first with a chosen uuid does not make this sender's message a duplicate.
   */
  readonly from?: string;
  readonly uuid: string;
  /**
   * How many processed uuids to keep for this handler, where a store bounds its memory by count
   * (the memory store; the Redis store bounds it by time instead).
   */
  readonly size?: number;
}

/** The in-progress mark a handler holds on a uuid while it processes it. */
export interface DeduplicationMark extends DeduplicationRequest {
  /** Tells this holder from a later one, so a holder never drops someone else's mark. */
  readonly token: string;
}

/**
 * What the store knows of a uuid at a handler: `new` (the caller now holds the in-progress mark
 * and must `complete` or `release` it), `duplicate` (processed already) or `in-progress`
 * (another delivery holds the mark).
 */
export type DeduplicationCheck =
  | { readonly status: 'new'; readonly mark: DeduplicationMark }
  | { readonly status: 'duplicate' }
  | { readonly status: 'in-progress' };

/**
 * The memory of which message uuids each handler has processed, per sender. Handler-scoped: a
 * uuid processed by one handler is still new to every other handler. Use `deduplicationKey` to
 * tell messages apart, so (from, uuid) pairs never collide.
 */
export interface DeduplicationStore {
  /** Looks the uuid up and, when it is new, takes the in-progress mark in the same step. */
  begin(request: DeduplicationRequest): Promise<DeduplicationCheck>;
  /** Records the uuid as processed (after the handler succeeded) and drops the mark. */
  complete(mark: DeduplicationMark): Promise<void>;
  /** Drops the mark without recording the uuid (after a failure), so a redelivery is processed. */
  release(mark: DeduplicationMark): Promise<void>;
  /** Releases connections; the module calls it at application shutdown. */
  close?(): Promise<void>;
}
