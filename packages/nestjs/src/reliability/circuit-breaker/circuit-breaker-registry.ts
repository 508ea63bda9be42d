import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
} from 'cockatiel';
import { CircuitOpenError } from '../../errors';
import { countsAgainstBreaker } from '../failure-taxonomy';
import { MessageLogger } from '../../interfaces/message-logger.interface';
import { BreakerStateStore } from './breaker-state-store.interface';
import { CircuitBreakerOptions } from './circuit-breaker-options.interface';
import { WindowedCountBreaker } from './windowed-count.breaker';

export const DEFAULT_BREAKER_THRESHOLD = 5;
export const DEFAULT_HALF_OPEN_AFTER_MS = 30_000;

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** A circuit's state and history, for statistics and health checks. */
export interface CircuitStatistics {
  name: string;
  state: CircuitStateName;
  /** True while another instance reports it open (shared state store). */
  openElsewhere: boolean;
  opened: number;
  closed: number;
  halfOpened: number;
  /** Calls refused while open. */
  rejected: number;
  openedAt?: string;
  lastFailure?: string;
}

interface Circuit {
  readonly policy: CircuitBreakerPolicy;
  readonly halfOpenAfterMs: number;
  readonly stats: CircuitStatistics;
  sharedCheckedAt: number;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** How often a closed circuit asks the shared store whether another instance opened it. */
const SHARED_CHECK_INTERVAL_MS = 1000;

/**
 * Named circuit breakers (cockatiel) for handlers and transports, with their transitions logged
 * and counted, and their open state optionally shared through a store such as Redis.
 * Failures the caller caused (validation, refusals, NonRetryableError) do not trip a circuit.
 */
export class CircuitBreakerRegistry {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly logger: MessageLogger,
    private readonly store?: BreakerStateStore,
  ) {}

  async execute<T>(name: string, options: CircuitBreakerOptions, call: () => Promise<T>): Promise<T> {
    const circuit = this.circuit(name, options);
    if (await this.openElsewhere(circuit)) {
      circuit.stats.rejected++;
      throw new CircuitOpenError(name);
    }
    try {
      return await circuit.policy.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        circuit.stats.rejected++;
        throw new CircuitOpenError(name);
      }
      throw error;
    }
  }

  state(name: string): CircuitStateName | undefined {
    const circuit = this.circuits.get(name);
    return circuit && STATE_NAMES[circuit.policy.state];
  }

  /** Subscribes to a circuit's closing (used by the publish outbox). */
  onClosed(name: string, listener: () => void): void {
    const circuit = this.circuits.get(name);
    circuit?.policy.onReset(listener);
  }

  statistics(): CircuitStatistics[] {
    return [...this.circuits.values()].map((circuit) => ({
      ...circuit.stats,
      state: STATE_NAMES[circuit.policy.state],
    }));
  }

  private circuit(name: string, options: CircuitBreakerOptions): Circuit {
    const existing = this.circuits.get(name);
    if (existing) return existing;
    const threshold = options.threshold ?? DEFAULT_BREAKER_THRESHOLD;
    const halfOpenAfterMs = options.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS;
    const policy = circuitBreaker(handleWhen(countsAgainstBreaker), {
      halfOpenAfter: halfOpenAfterMs,
      breaker:
        options.windowMs === undefined
          ? new ConsecutiveBreaker(threshold)
          : new WindowedCountBreaker(threshold, options.windowMs),
    });
    const stats: CircuitStatistics = {
      name,
      state: 'closed',
      openElsewhere: false,
      opened: 0,
      closed: 0,
      halfOpened: 0,
      rejected: 0,
    };
    const circuit: Circuit = { policy, halfOpenAfterMs, stats, sharedCheckedAt: 0 };
    policy.onBreak((reason) => {
      stats.opened++;
      stats.openedAt = new Date().toISOString();
      if ('error' in reason) stats.lastFailure = reason.error.message;
      this.logger.error(`Circuit ${name} opened`, {
        circuit: name,
        threshold,
        halfOpenAfterMs,
        error: stats.lastFailure,
      });
      void this.store?.markOpen(name, Date.now() + halfOpenAfterMs).catch(() => undefined);
    });
    policy.onHalfOpen(() => {
      stats.halfOpened++;
      this.logger.warn(`Circuit ${name} half-open: trying one call`, { circuit: name });
    });
    policy.onReset(() => {
      stats.closed++;
      this.logger.log(`Circuit ${name} closed`, { circuit: name });
      void this.store?.markClosed(name).catch(() => undefined);
    });
    this.circuits.set(name, circuit);
    return circuit;
  }

  private async openElsewhere(circuit: Circuit): Promise<boolean> {
    if (!this.store || circuit.policy.state !== CircuitState.Closed) return false;
    const now = Date.now();
    if (now - circuit.sharedCheckedAt >= SHARED_CHECK_INTERVAL_MS) {
      circuit.sharedCheckedAt = now;
      circuit.stats.openElsewhere = await this.store.isOpen(circuit.stats.name).catch(() => false);
    }
    return circuit.stats.openElsewhere;
  }
}
