import type { MessageLogger } from '@smart-message/nestjs';

/** What a `ClaimLoop` runs, and what it logs when claiming fails and comes back. */
export interface ClaimLoopOptions {
  /** How often it claims without a wake-up, in ms. */
  intervalMs: number;
  /**
   * One claim and the hand-off of what it claimed. Resolves true to claim again at once (the
   * batch was full); rejects when the claim itself failed (the database is away).
   */
  claimOnce: () => Promise<boolean>;
  logger: MessageLogger;
  /** Logged once per outage, e.g. `PostgreSQL consumer could not claim deliveries`. */
  failedMessage: string;
  /** Logged when a claim succeeds after an outage. */
  recoveredMessage: string;
  /** Fields of both lines (group, message class). */
  fields: () => Record<string, unknown>;
}

/**
 * When a claimer (a subscription's consumer, the outbox relay) looks for due rows: on a timer,
 * on every wake-up, and at once again after a full batch. Never two claims at once: a wake-up
 * during a run makes the run go round once more, so none is lost. A failed claim is logged once
 * until one succeeds again, and is retried on the timer.
 */
export class ClaimLoop {
  private pumping?: Promise<void>;
  private again = false;
  private stopped = false;
  private failing = false;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: ClaimLoopOptions) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.intervalMs);
    this.wake();
  }

  /** Claim now (a NOTIFY, a settled delivery, the timer). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => (this.pumping = undefined));
  }

  /** Stops the timer and wake-ups; resolves once the run in progress ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pumping;
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      let more: boolean;
      try {
        more = await this.options.claimOnce();
      } catch (error) {
        this.claimFailed(error as Error);
        return;
      }
      if (this.failing) {
        this.failing = false;
        this.options.logger.log(this.options.recoveredMessage, this.options.fields());
      }
      if (more) this.again = true;
    } while (this.again && !this.stopped);
  }

  private claimFailed(error: Error): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    this.options.logger.warn(`${this.options.failedMessage}; retrying on the poll interval`, {
      ...this.options.fields(),
      error: error.message,
    });
  }
}
