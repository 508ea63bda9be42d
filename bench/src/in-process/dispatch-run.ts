import { InFlightRun } from '../harness/in-flight-run';

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
 * The books of one run: which messages' handlers have finished, on top of the in-flight window that
 * makes the publisher wait. A message holds its slot from its publish call until its handler has
 * finished, the same rule for every contender; the run ends when the last handler has finished.
 */
export class DispatchRun extends InFlightRun<DispatchOutcome> {
  private readonly handledFlags: Uint8Array;
  private handled = 0;
  private repeated = 0;
  private lastHandledAt = Number.NaN;

  constructor(firstSeq: number, count: number, maxInFlight: number) {
    super(firstSeq, count, maxInFlight);
    this.handledFlags = new Uint8Array(count);
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
    if (this.handled === this.count) {
      // Read the clock once, at the end of the last handler, not per message.
      this.lastHandledAt = performance.now();
      this.complete();
    }
    this.release();
  }

  protected get progress(): number {
    return this.handled;
  }

  /** The run ends with the handlers still missing; count its time up to the last progress. */
  protected override gaveUp(stallMs: number): void {
    this.lastHandledAt = performance.now() - stallMs;
  }

  protected outcome(): DispatchOutcome {
    const durationMs = this.lastHandledAt - this.firstPublishAt;
    return {
      messages: this.count,
      handled: this.handled,
      lost: this.count - this.handled,
      repeated: this.repeated,
      durationMs,
      throughput: (this.handled / durationMs) * 1000,
      cpuUsPerMessage: this.cpuUsSinceStart() / Math.max(1, this.handled),
    };
  }
}
