/** Why the relay gave up on an outbox row: its frame cannot be read, or every publish failed. */
export type OutboxDeadLetterReason = 'undecodable' | 'exhausted';

/** An outbox row the relay moved to `outbox_dead_letters`, where it is kept whole with the reason. */
export interface OutboxDeadLetter {
  /** The row's id in `outbox` (`outbox_dead_letters.outbox_id`). */
  readonly outboxId: string;
  readonly uuid: string;
  readonly messageClass: string;
  /** The transport name the message was stored for. */
  readonly destination: string;
  readonly reason: OutboxDeadLetterReason;
  readonly error: string;
  /** Publishes tried, including the last. */
  readonly attempts: number;
}
