import { BenchOrderPlaced } from './bench-order.message';
import { Contender, ReceiveListener } from './contender';
import { LoadRun, RunOutcome } from './load-run';

/** A run that received nothing new for this long has lost its remaining messages. */
const STALL_MS = 10_000;

/** Drives one contender: runs at saturation and at a fixed offered rate, one after another. */
export class LoadDriver {
  private current?: LoadRun;
  private nextSeq = 0;

  constructor(
    private readonly contender: Contender,
    private readonly makeOrder: (seq: number, sentAt: number) => BenchOrderPlaced,
    private readonly maxInFlight: number,
  ) {}

  /** The handler of every contender: the first thing it does is read the clock. */
  readonly onReceived: ReceiveListener = (seq, sentAt) => {
    const now = performance.now();
    this.current?.receivedAt(seq, sentAt, now);
  };

  /** Publishes `count` messages as fast as the in-flight window lets it. */
  async saturate(count: number): Promise<RunOutcome> {
    const run = this.begin(count);
    for (let index = 0; index < count && !run.aborted; index++) {
      if (!run.hasRoom) await run.room();
      if (run.aborted) break;
      this.send(run, run.firstSeq + index);
    }
    return run.finished(STALL_MS);
  }

  /** Publishes `count` messages at `rate` per second, on schedule as long as the window has room. */
  async pace(count: number, rate: number): Promise<RunOutcome & { offeredRate: number }> {
    const run = this.begin(count);
    const interval = 1000 / rate;
    const start = performance.now();
    let index = 0;
    while (index < count && !run.aborted) {
      const now = performance.now();
      while (index < count && start + index * interval <= now && run.hasRoom) {
        this.send(run, run.firstSeq + index);
        index++;
      }
      if (index >= count) break;
      if (!run.hasRoom) await run.room();
      else await sleep(start + index * interval - performance.now());
    }
    return { ...(await run.finished(STALL_MS)), offeredRate: rate };
  }

  private begin(count: number): LoadRun {
    const run = new LoadRun(this.nextSeq, count, this.maxInFlight);
    this.nextSeq += count;
    this.current = run;
    return run;
  }

  private send(run: LoadRun, seq: number): void {
    const sentAt = performance.now();
    run.sending(sentAt);
    this.contender.publish(this.makeOrder(seq, sentAt)).then(
      () => run.answered(seq),
      (error: unknown) => run.publishFailed(error),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
