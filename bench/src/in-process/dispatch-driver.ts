import { setImmediate as nextTurn } from 'node:timers/promises';
import { HandledListener, InProcessContender } from './contender';
import { DispatchOutcome, DispatchRun } from './dispatch-run';
import { InProcessOrder } from './in-process-order';

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
  private current?: DispatchRun;
  private nextSeq = 0;

  constructor(
    private readonly contender: InProcessContender,
    private readonly makeOrder: (seq: number, sentAt: number) => InProcessOrder,
    private readonly maxInFlight: number,
  ) {}

  /** The end of every contender's handler. */
  readonly onHandled: HandledListener = (seq) => this.current?.handledSeq(seq);

  async run(count: number): Promise<DispatchOutcome> {
    const run = new DispatchRun(this.nextSeq, count, this.maxInFlight);
    this.nextSeq += count;
    this.current = run;
    const onFailure = (error: unknown): void => run.failed(error);
    for (let index = 0; index < count && !run.aborted; index++) {
      if (index > 0 && index % this.maxInFlight === 0) await nextTurn();
      if (!run.hasRoom) await run.room();
      if (run.aborted) break;
      const now = performance.now();
      const order = this.makeOrder(run.firstSeq + index, now);
      run.publishing(now);
      try {
        // Synchronous APIs return nothing and have run the handler already; our bus returns a promise.
        this.contender.publish(order)?.catch(onFailure);
      } catch (error) {
        onFailure(error);
      }
    }
    return run.finished(STALL_MS);
  }
}
