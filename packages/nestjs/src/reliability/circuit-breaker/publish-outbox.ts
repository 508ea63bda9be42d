import { CircuitOpenError } from '../../errors';
import { Envelope } from '../../interfaces/envelope.interface';

/**
 * Messages published while a transport's publish circuit was open, kept in order and sent once
 * it closes (or on a timer, which also gives a half-open circuit its trial call).
 */
export class PublishOutbox {
  private readonly waiting: Envelope[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly circuit: string,
    private readonly limit: number,
    private readonly retryAfterMs: number,
    private readonly send: (envelope: Envelope) => Promise<void>,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  add(envelope: Envelope): void {
    if (this.waiting.length >= this.limit) throw new CircuitOpenError(this.circuit);
    this.waiting.push(envelope);
    this.schedule();
  }

  /** Sends what waits, oldest first, stopping at the first failure (it is tried again later). */
  flush(): Promise<void> {
    this.flushing ??= this.sendAll().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops retrying and hands back what was never sent. */
  takeRemaining(): Envelope[] {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.waiting.splice(0);
  }

  private async sendAll(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        await this.send(this.waiting[0] as Envelope);
        this.waiting.shift();
      }
    } catch {
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.timer || this.waiting.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.retryAfterMs);
    this.timer.unref();
  }
}
