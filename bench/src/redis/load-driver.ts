import { RunSeries } from '../harness/run-series';
import { BenchOrderPlaced } from './bench-order.message';
import { Contender, ReceiveListener } from './contender';
import { LoadRun, RunOutcome } from './load-run';

/** A run that received nothing new for this long has lost its remaining messages. */
const STALL_MS = 10_000;

/** Drives one contender: runs at saturation and at a fixed offered rate, one after another. */
export class LoadDriver {
  private readonly runs: RunSeries<LoadRun>;

  constructor(
    private readonly contender: Contender,
    private readonly makeOrder: (seq: number, sentAt: number) => BenchOrderPlaced,
    maxInFlight: number,
  ) {
    this.runs = new RunSeries((firstSeq, count) => new LoadRun(firstSeq, count, maxInFlight));
  }

  /** The handler of every contender: the first thing it does is read the clock. */
  readonly onReceived: ReceiveListener = (seq, sentAt) => {
    const now = performance.now();
    this.runs.current?.receivedAt(seq, sentAt, now);
  };

  /** Publishes `count` messages as fast as the in-flight window lets it. */
  async saturate(count: number): Promise<RunOutcome> {
    const run = this.runs.begin(count);
    await run.publishAll((seq) => this.send(run, seq));
    return run.finished(STALL_MS);
  }

  /** Publishes `count` messages at `rate` per second, on schedule as long as the window has room. */
  async pace(count: number, rate: number): Promise<RunOutcome & { offeredRate: number }> {
    const run = this.runs.begin(count);
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

  private send(run: LoadRun, seq: number): void {
    const sentAt = performance.now();
    run.publishing(sentAt);
    this.contender.publish(this.makeOrder(seq, sentAt)).then(
      () => run.answered(seq),
      (error: unknown) => run.failed(error),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
