/** A bound on the callers that may wait for a slot, and the error for the one past it. */
export interface InFlightWaitingBound {
  /** Callers that may wait at once; one more is refused. */
  readonly max: number;
  /** The error for a refused caller: the transport's own, with its code (e.g. a publish buffer that is full). */
  refuse(max: number): Error;
}

/**
 * Lets at most `limit` operations run at once, for instance the publishes awaiting a broker's
 * answer. Callers beyond it wait for a slot, first come first served; with `waiting`, past
 * `waiting.max` waiting callers one more is refused at once instead of growing memory.
 */
export class InFlightLimit {
  private running = 0;
  private highest = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly waiting?: InFlightWaitingBound,
  ) {}

  /** Most operations that ever ran at once. */
  get highestRunning(): number {
    return this.highest;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    // A finishing operation hands its slot straight to the next waiter, so nobody jumps the queue.
    if (this.running >= this.limit) {
      if (this.waiting && this.waiters.length >= this.waiting.max) throw this.waiting.refuse(this.waiting.max);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } else {
      this.running++;
    }
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
