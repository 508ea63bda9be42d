/** Lets at most `limit` operations run; callers beyond it wait for a slot, first come first served. */
export class InFlightBound {
  private running = 0;
  private highest = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Most operations that ever ran at once. */
  get highestRunning(): number {
    return this.highest;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    // A finishing operation hands its slot straight to the next waiter, so nobody jumps the queue.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.running++;
    this.highest = Math.max(this.highest, this.running);
    try {
      return await operation();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.running--;
    }
  }
}
