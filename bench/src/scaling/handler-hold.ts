import { ConsumptionLedger } from './consumption-ledger';
import { ScalingJob } from './scaling-job.message';
import { wallClockMs } from './wall-clock';

/**
 * Keeps every handler call waiting while closed, so messages pile up in flight, and counts the
 * calls that started and finished; with a ledger, books each finished job in it.
 */
export class HandlerHold {
  started = 0;
  finished = 0;
  private released: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  constructor(private readonly ledger?: ConsumptionLedger) {
    this.close();
  }

  close(): void {
    this.released = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release();
  }

  /** The handler's body: waits while closed, then counts (and books) the job. */
  async enter(job: ScalingJob): Promise<void> {
    this.started++;
    await this.released;
    this.finished++;
    this.ledger?.record(job.round, job.seq, wallClockMs());
  }

  /** Resolves true once `count` calls started, false after `stallMs` without a new one. */
  untilStarted(count: number, stallMs: number): Promise<boolean> {
    return this.until(() => this.started, count, stallMs);
  }

  /** Resolves true once `count` calls finished, false after `stallMs` without a new one. */
  untilFinished(count: number, stallMs: number): Promise<boolean> {
    return this.until(() => this.finished, count, stallMs);
  }

  private async until(counter: () => number, count: number, stallMs: number): Promise<boolean> {
    let last = counter();
    let lastProgress = Date.now();
    while (counter() < count) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (counter() !== last) {
        last = counter();
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > stallMs) {
        return false;
      }
    }
    return true;
  }
}
