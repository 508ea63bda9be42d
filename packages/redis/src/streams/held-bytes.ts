/**
 * The bytes of entries a transport's consumers have read and not finished, against a budget
 * (`maxHeldBytes`), shared by every consumer group of one transport. Reads ask for only as many
 * entries as fit by the average size seen so far, and stop while the budget is spent; one entry
 * is always allowed when nothing is held, so an entry larger than the budget is still handled.
 */
export class HeldBytes {
  private heldBytes = 0;
  /** Running average of entry sizes; 0 until the first entry, when a read asks for one entry only. */
  private averageEntry = 0;
  private readonly waiters = new Set<() => void>();

  /** `limit` 0: no byte budget. */
  constructor(readonly limit: number) {}

  get held(): number {
    return this.heldBytes;
  }

  /** How many more entries a read may ask for: Infinity without a budget, 0 while it is spent. */
  entriesThatFit(): number {
    if (this.limit <= 0) return Infinity;
    if (this.heldBytes === 0) return this.averageEntry === 0 ? 1 : Math.max(1, this.fitting());
    if (this.averageEntry === 0) return 1;
    return this.fitting();
  }

  take(bytes: number): void {
    if (this.limit <= 0) return;
    this.heldBytes += bytes;
    // Weighted toward recent sizes, so one outlier does not shrink reads for long.
    this.averageEntry = this.averageEntry === 0 ? bytes : this.averageEntry * 0.8 + bytes * 0.2;
  }

  release(bytes: number): void {
    if (this.limit <= 0) return;
    this.heldBytes -= bytes;
    for (const waiter of this.waiters) waiter();
  }

  /** Called whenever bytes are released: a consumer waiting for room reads again. */
  onRelease(waiter: () => void): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  private fitting(): number {
    return Math.max(0, Math.floor((this.limit - this.heldBytes) / Math.max(1, this.averageEntry)));
  }
}
