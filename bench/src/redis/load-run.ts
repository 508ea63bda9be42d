import { InFlightRun } from '../harness/in-flight-run';
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
 * The books of one run: which messages Redis answered and which the handler received, on top of the
 * in-flight window that makes the publisher wait. A message holds its slot until both happened, the
 * same rule for every contender.
 */
export class LoadRun extends InFlightRun<RunOutcome> {
  private readonly state: Uint8Array;
  private readonly latencies: Float64Array;
  private received = 0;
  private lastReceivedAt = Number.NaN;

  constructor(firstSeq: number, count: number, maxInFlight: number) {
    super(firstSeq, count, maxInFlight);
    this.state = new Uint8Array(count);
    this.latencies = new Float64Array(count).fill(Number.NaN);
  }

  answered(seq: number): void {
    this.mark(seq - this.firstSeq, ANSWERED);
  }

  /** The handler started on message `seq` at `now`. Messages of other runs are ignored. */
  receivedAt(seq: number, sentAt: number, now: number): void {
    const index = seq - this.firstSeq;
    if (index < 0 || index >= this.count || (this.state[index]! & RECEIVED) !== 0) return;
    this.latencies[index] = now - sentAt;
    this.received++;
    this.lastReceivedAt = now;
    this.mark(index, RECEIVED);
    if (this.received === this.count) this.complete();
  }

  protected get progress(): number {
    return this.received;
  }

  private mark(index: number, flag: number): void {
    const before = this.state[index]!;
    const after = before | flag;
    this.state[index] = after;
    if (before !== after && after === (ANSWERED | RECEIVED)) this.release();
  }

  protected outcome(): RunOutcome {
    const sorted = this.latencies.filter((latency) => !Number.isNaN(latency)).sort();
    const durationMs = this.lastReceivedAt - this.firstPublishAt;
    return {
      messages: this.count,
      received: this.received,
      lost: this.count - this.received,
      durationMs,
      throughput: (this.received / durationMs) * 1000,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
      cpuUsPerMessage: this.cpuUsSinceStart() / this.received,
    };
  }
}
