/** Lets at most `limit` operations run; callers beyond it wait for a slot, first come first served. */
export class InFlightBound {
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.running++;
    try {
      return await operation();
    } finally {
      this.running--;
      this.waiters.shift()?.();
    }
  }
}
