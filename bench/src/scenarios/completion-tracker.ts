/** How the handler calls of one run ended. */
export interface Completion {
  handled: number;
  failed: number;
  /** performance.now() when the last handler call ended (NaN when none did). */
  lastEndedAt: number;
  /** True when the run gave up waiting because nothing ended for a while. */
  stalled: boolean;
}

/**
 * Counts handler calls as they end, and wakes the benchmark the moment the last one of a run
 * ends: the handler reports in itself, so nothing polls (the original polled every 100 ms,
 * which put a floor under every scenario's time). A watchdog ends a run in which nothing ended
 * for `stallMs`, so a lost message shows up as a shortfall instead of a hang.
 */
export class CompletionTracker {
  private handled = 0;
  private failed = 0;
  private lastEndedAt = Number.NaN;
  private target = Number.POSITIVE_INFINITY;
  private finish?: (stalled: boolean) => void;
  /** The sum of the handlers' results: it keeps their loops from being optimized away. */
  private resultSum = 0;
  private latestProcessedAt = 0;

  constructor(private readonly stallMs: number) {}

  /** Starts counting a new run from zero. */
  reset(): void {
    this.handled = 0;
    this.failed = 0;
    this.lastEndedAt = Number.NaN;
    this.target = Number.POSITIVE_INFINITY;
  }

  /** A handler call ended well; `processedAt` and `result` are what the original's handler computed. */
  handledOne(processedAt: number, result: number): void {
    this.latestProcessedAt = processedAt;
    this.resultSum += result;
    this.handled++;
    this.ended();
  }

  /** A handler call failed, or a message never reached the handler (the bus's undeliverable report). */
  failedOne(): void {
    this.failed++;
    this.ended();
  }

  /** Resolves once `target` calls of this run have ended, well or not, or nothing ended for too long. */
  async until(target: number): Promise<Completion> {
    this.target = target;
    let stalled = false;
    if (this.handled + this.failed < target) {
      let seen = this.handled + this.failed;
      let lastProgress = performance.now();
      let watchdog: NodeJS.Timeout | undefined;
      stalled = await new Promise<boolean>((resolve) => {
        this.finish = resolve;
        watchdog = setInterval(() => {
          const now = performance.now();
          if (this.handled + this.failed !== seen) {
            seen = this.handled + this.failed;
            lastProgress = now;
          } else if (now - lastProgress > this.stallMs) {
            resolve(true);
          }
        }, 1000);
      });
      clearInterval(watchdog);
      this.finish = undefined;
    }
    return { handled: this.handled, failed: this.failed, lastEndedAt: this.lastEndedAt, stalled };
  }

  /** The sum of every handler's computation result so far (the original stored each in `computation_result`). */
  get computationSum(): number {
    return this.resultSum;
  }

  /** The `processed_at` the latest handler call set, in seconds since the epoch. */
  get lastProcessedAt(): number {
    return this.latestProcessedAt;
  }

  private ended(): void {
    this.lastEndedAt = performance.now();
    if (this.handled + this.failed >= this.target) this.finish?.(false);
  }
}
