import type { MessageLogger } from '../interfaces/message-logger.interface';
import type { DeduplicationMark } from './deduplication-store.interface';

/**
 * Keeps the in-progress marks a shared deduplication store handed out alive while their handlers
 * run: renews each every third of its lease, and stops when the mark is settled or was lost. A
 * holder that dies stops renewing, so its mark lapses after at most one lease. For store authors:
 * `renew` answers whether the store still had this holder's mark.
 */
export class MarkRenewals {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly leaseMs: number,
    private readonly logger: MessageLogger,
    private readonly renew: (mark: DeduplicationMark) => Promise<boolean>,
  ) {}

  /** Starts renewing `mark` until `stop(mark)` or `stopAll()`. */
  keep(mark: DeduplicationMark): void {
    const fields = { handler: mark.handlerId, uuid: mark.uuid };
    const timer = setInterval(
      () => {
        this.renew(mark).then(
          (renewed) => {
            if (renewed) return;
            this.stop(mark);
            this.logger.warn(
              `${mark.handlerId} lost its in-progress mark on ${mark.uuid}; another delivery may run it`,
              {
                ...fields,
                leaseMs: this.leaseMs,
              },
            );
          },
          (error: Error) =>
            this.logger.warn(`Could not renew the in-progress mark of ${mark.handlerId} on ${mark.uuid}`, {
              ...fields,
              error: error.message,
            }),
        );
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    this.timers.set(mark.token, timer);
  }

  stop(mark: DeduplicationMark): void {
    clearInterval(this.timers.get(mark.token));
    this.timers.delete(mark.token);
  }

  stopAll(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
