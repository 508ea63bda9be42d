import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * The books every windowed run keeps, whatever "done" means for one message: the in-flight window
 * that makes the publisher wait, the first publish, failures, a stall watchdog and the CPU time
 * used since the run began. A subclass records what happens to each message and says when a
 * message frees its slot (`release`) and when the run is complete (`complete`).
 */
export abstract class InFlightRun<Outcome> {
  /** performance.now() at the first publish call. */
  protected firstPublishAt = Number.NaN;
  private inFlight = 0;
  private roomWaiter?: () => void;
  private finish?: () => void;
  private fail?: (error: Error) => void;
  private failure?: Error;
  private stalled = false;
  private readonly cpuAtStart = process.cpuUsage();

  constructor(
    readonly firstSeq: number,
    readonly count: number,
    private readonly maxInFlight: number,
  ) {}

  /** True once the run cannot go on (something failed, or nothing progressed for too long). */
  get aborted(): boolean {
    return this.failure !== undefined || this.stalled;
  }

  get hasRoom(): boolean {
    return this.inFlight < this.maxInFlight;
  }

  /** Resolves when a slot frees (or the run was aborted). */
  room(): Promise<void> {
    if (this.hasRoom || this.aborted) return Promise.resolve();
    return new Promise((resolve) => (this.roomWaiter = resolve));
  }

  /**
   * Publishes the run's messages in order as fast as the window lets it. With `burst`, returns to
   * the event loop (one setImmediate turn) after every `burst` messages.
   */
  async publishAll(publish: (seq: number) => void, burst?: number): Promise<void> {
    for (let index = 0; index < this.count && !this.aborted; index++) {
      if (burst !== undefined && index > 0 && index % burst === 0) await nextTurn();
      if (!this.hasRoom) await this.room();
      if (this.aborted) break;
      publish(this.firstSeq + index);
    }
  }

  /** Called right before the publish call; the message holds a slot from now on. */
  publishing(now: number): void {
    if (Number.isNaN(this.firstPublishAt)) this.firstPublishAt = now;
    this.inFlight++;
  }

  failed(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.fail?.(this.failure);
    this.wakePublisher();
  }

  /**
   * Resolves when the run is complete, or when `progress` did not move for `stallMs`; rejects when
   * something failed.
   */
  async finished(stallMs: number): Promise<Outcome> {
    if (this.failure) throw this.failure;
    if (this.progress < this.count) {
      let lastCount = this.progress;
      let lastProgress = Date.now();
      const watchdog = setInterval(() => {
        if (this.progress !== lastCount) {
          lastCount = this.progress;
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress > stallMs) {
          this.stalled = true;
          this.gaveUp(stallMs);
          this.wakePublisher();
          this.finish?.();
        }
      }, 200);
      try {
        await new Promise<void>((resolve, reject) => {
          this.finish = resolve;
          this.fail = reject;
        });
      } finally {
        clearInterval(watchdog);
      }
    }
    return this.outcome();
  }

  /** Messages done so far; the run is complete at `count`, and stalls when this stops moving. */
  protected abstract get progress(): number;

  protected abstract outcome(): Outcome;

  /** Called once when the watchdog ends a stalled run, before the publisher and `finished` wake. */
  protected gaveUp(_stallMs: number): void {}

  /** A message has freed its slot. */
  protected release(): void {
    this.inFlight--;
    this.wakePublisher();
  }

  /** Every message is done: `finished` resolves. */
  protected complete(): void {
    this.finish?.();
  }

  /** CPU time (user + system) of the whole process since the run began, in µs. */
  protected cpuUsSinceStart(): number {
    const cpu = process.cpuUsage(this.cpuAtStart);
    return cpu.user + cpu.system;
  }

  private wakePublisher(): void {
    const waiter = this.roomWaiter;
    this.roomWaiter = undefined;
    waiter?.();
  }
}
