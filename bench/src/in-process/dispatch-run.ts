/** How one run of messages went. */
export interface DispatchOutcome {
  messages: number;
  handled: number;
  /** Messages whose handler had not finished when the run ended (it ends after a stall with no progress). */
  lost: number;
  /** Handler ends reported again for a message already counted: a contender that delivers twice. */
  repeated: number;
  /** First publish call → end of the last handler. */
  durationMs: number;
  /** Handled messages per second over `durationMs`. */
  throughput: number;
  /** CPU time (user + system) of the whole process, publisher and handler, per handled message. */
  cpuUsPerMessage: number;
}

/**
 * The books of one run: which messages' handlers have finished, and the in-flight window that
 * makes the publisher wait. A message holds its slot from its publish call until its handler has
 * finished, the same rule for every contender; the run ends when the last handler has finished.
 */
export class DispatchRun {
  private readonly handledFlags: Uint8Array;
  private inFlight = 0;
  private handled = 0;
  private repeated = 0;
  private firstPublishAt = Number.NaN;
  private lastHandledAt = Number.NaN;
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
  ) {
    this.handledFlags = new Uint8Array(count);
  }

  /** True once the run cannot go on (a publish or handler failed, or nothing finished for too long). */
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

  /** Called right before the publish call. */
  publishing(now: number): void {
    if (Number.isNaN(this.firstPublishAt)) this.firstPublishAt = now;
    this.inFlight++;
  }

  /** The handler of message `seq` has finished. Messages of other runs are ignored, repeats only counted. */
  handledSeq(seq: number): void {
    const index = seq - this.firstSeq;
    if (index < 0 || index >= this.count) return;
    if (this.handledFlags[index] !== 0) {
      this.repeated++;
      return;
    }
    this.handledFlags[index] = 1;
    this.handled++;
    this.inFlight--;
    if (this.handled === this.count) {
      // Read the clock once, at the end of the last handler, not per message.
      this.lastHandledAt = performance.now();
      this.finish?.();
    }
    this.wakePublisher();
  }

  failed(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.fail?.(this.failure);
    this.wakePublisher();
  }

  /** Resolves when every handler has finished, or when none finished for `stallMs`; rejects when something failed. */
  async finished(stallMs: number): Promise<DispatchOutcome> {
    if (this.failure) throw this.failure;
    if (this.handled < this.count) {
      let lastCount = this.handled;
      let lastProgress = Date.now();
      const watchdog = setInterval(() => {
        if (this.handled !== lastCount) {
          lastCount = this.handled;
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress > stallMs) {
          this.stalled = true;
          this.lastHandledAt = performance.now() - stallMs;
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

  private wakePublisher(): void {
    const waiter = this.roomWaiter;
    if (!waiter) return;
    this.roomWaiter = undefined;
    waiter();
  }

  private outcome(): DispatchOutcome {
    const durationMs = this.lastHandledAt - this.firstPublishAt;
    const cpu = process.cpuUsage(this.cpuAtStart);
    return {
      messages: this.count,
      handled: this.handled,
      lost: this.count - this.handled,
      repeated: this.repeated,
      durationMs,
      throughput: (this.handled / durationMs) * 1000,
      cpuUsPerMessage: (cpu.user + cpu.system) / Math.max(1, this.handled),
    };
  }
}
