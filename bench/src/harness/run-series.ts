/**
 * Successive runs of one driver, numbered on: each run's messages follow the previous run's, so a
 * handler's late report of an earlier run's message falls outside the current run and is ignored.
 */
export class RunSeries<Run> {
  /** The run in progress (or the last one): where the handler's reports go. */
  current?: Run;
  private nextSeq = 0;

  constructor(private readonly open: (firstSeq: number, count: number) => Run) {}

  /** Starts the next run of `count` messages. */
  begin(count: number): Run {
    const run = this.open(this.nextSeq, count);
    this.nextSeq += count;
    this.current = run;
    return run;
  }
}
