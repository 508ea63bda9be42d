import { percentile } from '../harness/stats';

const ANSWERED = 1;
const RECEIVED = 2;

/** How one run of messages went; latencies are publish call → handler start, in ms. */
export interface RunOutcome {
  messages: number;
  received: number;
  /** Messages not received when the run ended (it ends after a stall with nothing arriving). */
  lost: number;
  /** First publish call → last handler start. */
  durationMs: number;
  /** Received messages per second over `durationMs`. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time (user + system) of the whole process, publisher and handler, per received message. */
  cpuUsPerMessage: number;
}

/**
 * The books of one run: which messages Redis answered and which the handler received, and the
 * in-flight window that makes the publisher wait. A message holds its slot until both happened,
 * the same rule for every contender.
 */
export class LoadRun {
  private readonly state: Uint8Array;
  private readonly latencies: Float64Array;
  private inFlight = 0;
  private received = 0;
  private firstSentAt = Number.NaN;
  private lastReceivedAt = Number.NaN;
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
    this.state = new Uint8Array(count);
    this.latencies = new Float64Array(count).fill(Number.NaN);
  }

  /** True once the run cannot go on (a publish failed, or nothing arrived for too long). */
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

  sending(sentAt: number): void {
    if (Number.isNaN(this.firstSentAt)) this.firstSentAt = sentAt;
    this.inFlight++;
  }

  answered(seq: number): void {
    this.mark(seq - this.firstSeq, ANSWERED);
  }

  publishFailed(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.fail?.(this.failure);
    this.wakePublisher();
  }

  /** The handler started on message `seq` at `now`. Messages of other runs are ignored. */
  receivedAt(seq: number, sentAt: number, now: number): void {
    const index = seq - this.firstSeq;
    if (index < 0 || index >= this.count || (this.state[index]! & RECEIVED) !== 0) return;
    this.latencies[index] = now - sentAt;
    this.received++;
    this.lastReceivedAt = now;
    this.mark(index, RECEIVED);
    if (this.received === this.count) this.finish?.();
  }

  /** Resolves when every message was received, or when none arrived for `stallMs`; rejects when a publish failed. */
  async finished(stallMs: number): Promise<RunOutcome> {
    if (this.failure) throw this.failure;
    if (this.received < this.count) {
      let lastCount = this.received;
      let lastProgress = Date.now();
      const watchdog = setInterval(() => {
        if (this.received !== lastCount) {
          lastCount = this.received;
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress > stallMs) {
          this.stalled = true;
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

  private mark(index: number, flag: number): void {
    const before = this.state[index]!;
    const after = before | flag;
    this.state[index] = after;
    if (before !== after && after === (ANSWERED | RECEIVED)) {
      this.inFlight--;
      this.wakePublisher();
    }
  }

  private wakePublisher(): void {
    const waiter = this.roomWaiter;
    this.roomWaiter = undefined;
    waiter?.();
  }

  private outcome(): RunOutcome {
    const sorted = this.latencies.filter((latency) => !Number.isNaN(latency)).sort();
    const durationMs = this.lastReceivedAt - this.firstSentAt;
    const cpu = process.cpuUsage(this.cpuAtStart);
    return {
      messages: this.count,
      received: this.received,
      lost: this.count - this.received,
      durationMs,
      throughput: (this.received / durationMs) * 1000,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
      cpuUsPerMessage: (cpu.user + cpu.system) / this.received,
    };
  }
}
