/** Where the work's result goes, so the optimizer cannot drop the loop. */
let sink = 0;

function spin(iterations: number): void {
  let x = sink | 1;
  for (let index = 0; index < iterations; index++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink = x;
}

/**
 * A fixed amount of computation per job: a loop calibrated at start to take `us` microseconds on
 * a core of its own. It stays the same work when processes share the cores (a loop that watched
 * the clock would do less work whenever its process was descheduled), so a job costs every
 * configuration the same CPU.
 */
export class FixedWork {
  private constructor(
    readonly us: number,
    private readonly iterations: number,
  ) {}

  /** Times the loop once it is optimized; the fastest of many trials is the one no other process interrupted. */
  static calibrate(us: number): FixedWork {
    if (us <= 0) return new FixedWork(0, 0);
    const trialIterations = 200_000;
    for (let warm = 0; warm < 20; warm++) spin(trialIterations);
    let fastestNsPerIteration = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < 30; trial++) {
      const start = process.hrtime.bigint();
      spin(trialIterations);
      const ns = Number(process.hrtime.bigint() - start);
      fastestNsPerIteration = Math.min(fastestNsPerIteration, ns / trialIterations);
    }
    return new FixedWork(us, Math.round((us * 1000) / fastestNsPerIteration));
  }

  run(): void {
    if (this.iterations > 0) spin(this.iterations);
  }
}
