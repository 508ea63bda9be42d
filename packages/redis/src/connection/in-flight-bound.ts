import { PublishBufferFullError } from '../errors/publish-buffer-full.error';

/**
 * Lets at most `limit` operations run; callers beyond it wait for a slot, first come first
 * served, and past `maxWaiting` waiting callers one more is refused at once.
 */
export class InFlightBound {
  private running = 0;
  private highest = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Most operations that ever ran at once. */
  get highestRunning(): number {
    return this.highest;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    // A finishing operation hands its slot straight to the next waiter, so nobody jumps the queue.
    if (this.running >= this.limit) {
      if (this.waiters.length >= this.maxWaiting) throw new PublishBufferFullError(this.maxWaiting);
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
