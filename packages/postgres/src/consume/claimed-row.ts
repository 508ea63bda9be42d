/** A delivery row as the claim statement returns it. Everything in it came from the database: hostile. */
export interface ClaimedRow {
  /** bigint, as text. */
  id: string;
  /** Deliveries of this row including this one. */
  attempts: number;
  /** Bytes of the stored frame, or null when its message row is missing. */
  bytes: number | null;
  /** The frame, or its first 1024 characters when it is larger than `maxFrameBytes`; null when missing. */
  frame: string | null;
  /** Whether it has an ordering key: deleting it may let the next row of its key be claimed. */
  keyed: boolean;
}
