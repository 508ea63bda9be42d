import type { Pool } from 'pg';
import type { MessageLogger } from '@smart-message/nestjs';

/** Most rows deleted by one ack statement. */
const MAX_BATCH = 500;
/** Tries of one batch before it is left to the lease: the rows are then delivered again (at-least-once). */
const MAX_TRIES = 5;
const RETRY_MS = 100;

interface Handled {
  id: string;
  attempts: number;
  keyed: boolean;
}

/**
 * Gathers handled rows and deletes them in batches: one statement per turn of the event loop
 * instead of one per message. A batch that fails (the connection dropped) is tried again a few
 * times; past that the rows stay leased and come back once the lease ends, which is the
 * at-least-once promise, never a loss.
 */
export class AckBatcher {
  private pending: Handled[] = [];
  private flushing?: Promise<void>;
  private scheduled = false;

  constructor(
    private readonly pool: Pool,
    private readonly statement: string,
    private readonly owner: string,
    private readonly logger: MessageLogger,
    /**
     * Called after a batch with keyed rows was deleted: the next row of each key can be claimed
     * now, and the consumer that settled it looked (and found it blocked) before the delete.
     */
    private readonly onKeyedDeleted: () => void = () => undefined,
  ) {}

  add(id: string, attempts: number, keyed = false): void {
    this.pending.push({ id, attempts, keyed });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Resolves once every row added so far was deleted or given up on. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    this.flushing = this.drain().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      if ((await this.send(batch)) && batch.some((row) => row.keyed)) this.onKeyedDeleted();
    }
  }

  /** Whether the batch was deleted. */
  private async send(batch: Handled[]): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      try {
        await this.pool.query(this.statement, [
          batch.map((row) => row.id),
          batch.map((row) => row.attempts),
          this.owner,
        ]);
        return true;
      } catch (error) {
        if (tries >= MAX_TRIES) {
          this.logger.error(
            'Could not acknowledge handled deliveries; they will be delivered again after their lease',
            {
              rows: batch.length,
              error: (error as Error).message,
            },
          );
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS * tries));
      }
    }
  }
}
