import { BenchOrderPlaced } from '../redis/bench-order.message';

/** A run that received nothing new for this long has lost its remaining messages. */
const STALL_MS = 10_000;

/** How one run went. */
export interface WindowedRunOutcome {
  messages: number;
  /** First publish call → last message received. */
  durationMs: number;
  /** Messages received per second over `durationMs`. */
  throughput: number;
}

/** The books of the run in progress. */
interface ActiveRun {
  readonly firstSeq: number;
  readonly count: number;
  sent: number;
  received: number;
  lastReceivedAt: number;
  /** Resumes the publisher waiting for a free slot. */
  wake?: () => void;
  failure?: Error;
}

/**
 * Publishes orders as fast as an in-flight window lets it: a message holds its slot from the
 * publish call until the handler received it, and publish calls are not awaited one by one
 * (a rejected publish fails the run). Runs follow one another; `received` ignores what belongs
 * to no current run.
 */
export class WindowedPublisher {
  private nextSeq = 0;
  private run?: ActiveRun;

  constructor(
    private readonly publish: (order: BenchOrderPlaced) => Promise<unknown>,
    private readonly makeOrder: (seq: number, sentAt: number) => BenchOrderPlaced,
    private readonly maxInFlight: number,
  ) {}

  /** What the handler calls for each order. */
  readonly received = (seq: number): void => {
    const run = this.run;
    if (!run || seq < run.firstSeq || seq >= run.firstSeq + run.count) return;
    run.received++;
    run.lastReceivedAt = performance.now();
    const wake = run.wake;
    run.wake = undefined;
    wake?.();
  };

  /** Publishes `count` orders and resolves once the handler received them all. */
  async publishAll(count: number): Promise<WindowedRunOutcome> {
    const run: ActiveRun = {
      firstSeq: this.nextSeq,
      count,
      sent: 0,
      received: 0,
      lastReceivedAt: Number.NaN,
    };
    this.nextSeq += count;
    this.run = run;
    const fail = (error: unknown): void => {
      run.failure ??= error instanceof Error ? error : new Error(String(error));
      run.wake?.();
    };
    // One watchdog per run rather than a timer per wait: its cost stays out of the profile.
    let lastCount = -1;
    const watchdog = setInterval(() => {
      if (run.received !== lastCount) lastCount = run.received;
      else fail(new Error(`received ${run.received} of ${count} messages, then nothing for ${STALL_MS} ms`));
    }, STALL_MS);
    const startedAt = performance.now();
    try {
      while (run.received < count) {
        if (run.failure) throw run.failure;
        if (run.sent < count && run.sent - run.received < this.maxInFlight) {
          const seq = run.firstSeq + run.sent++;
          this.publish(this.makeOrder(seq, performance.now())).then(undefined, fail);
          continue;
        }
        await new Promise<void>((resolve) => (run.wake = resolve));
      }
    } finally {
      clearInterval(watchdog);
    }
    const durationMs = run.lastReceivedAt - startedAt;
    return { messages: count, durationMs, throughput: (count / durationMs) * 1000 };
  }
}
