import { RunSeries } from '../harness/run-series';
import { BenchOrder } from '../shared/bench-order';
import { HandledListener, InProcessContender } from './contender';
import { DispatchOutcome, DispatchRun } from './dispatch-run';

/** A run in which no handler finished for this long has lost its remaining messages. */
const STALL_MS = 10_000;

/**
 * Drives one contender: publishes a run of messages as fast as the in-flight window lets it, in
 * bursts of at most one window's worth per event-loop turn. The peers run their handlers inside
 * the publish call, so their window never fills; without the turns they would publish the whole
 * run in one synchronous loop and leave the promise and RxJS bookkeeping of every message for
 * after the run (and hold it all in memory), which an application returning to the event loop
 * never does.
 */
export class DispatchDriver {
  private readonly runs: RunSeries<DispatchRun>;

  constructor(
    private readonly contender: InProcessContender,
    private readonly makeOrder: (seq: number, sentAt: number) => BenchOrder,
    private readonly maxInFlight: number,
  ) {
    this.runs = new RunSeries((firstSeq, count) => new DispatchRun(firstSeq, count, maxInFlight));
  }

  /** The end of every contender's handler. */
  readonly onHandled: HandledListener = (seq) => this.runs.current?.handledSeq(seq);

  async run(count: number): Promise<DispatchOutcome> {
    const run = this.runs.begin(count);
    const onFailure = (error: unknown): void => run.failed(error);
    await run.publishAll((seq) => {
      const now = performance.now();
      const order = this.makeOrder(seq, now);
      run.publishing(now);
      try {
        // Synchronous APIs return nothing and have run the handler already; our bus returns a promise.
        this.contender.publish(order)?.catch(onFailure);
      } catch (error) {
        onFailure(error);
      }
    }, this.maxInFlight);
    return run.finished(STALL_MS);
  }
}
