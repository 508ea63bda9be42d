import { CircuitState, IBreaker } from 'cockatiel';

/**
 * Opens after `threshold` failures within `windowMs`, as the original SmartMessage's breakers
 * did ("3 failures within 60 s"); successes do not erase failures still inside the window.
 */
export class WindowedCountBreaker implements IBreaker {
  private failures: number[] = [];

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
  ) {}

  get state(): unknown {
    return [...this.failures];
  }

  set state(value: unknown) {
    this.failures = Array.isArray(value) ? value.filter((time): time is number => typeof time === 'number') : [];
  }

  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) this.failures = [];
  }

  failure(state: CircuitState): boolean {
    const now = Date.now();
    if (state === CircuitState.HalfOpen) {
      this.failures = [now];
      return true;
    }
    this.failures = this.failures.filter((time) => now - time < this.windowMs);
    this.failures.push(now);
    return this.failures.length >= this.threshold;
  }
}
