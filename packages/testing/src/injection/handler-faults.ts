import type { MessageType } from '@smart-message/nestjs';
import { InjectedFailureError } from '../errors/injected-failure.error';

/**
 * Which handler calls a fault applies to: a handler id (`'OrdersHandler.onOrderPlaced'`, as in
 * the statistics and the dead letters) or a message class (every handler of it).
 */
export type HandlerTarget = string | MessageType;

export interface FailNextOptions {
  /** How many of the next calls fail (default 1). */
  times?: number;
  /** The error they fail with (default an `InjectedFailureError`). */
  error?: Error | (() => Error);
}

export interface SlowNextOptions {
  /** How long each of those calls waits before the handler runs. */
  ms: number;
  /** How many of the next calls are slowed (default 1). */
  times?: number;
}

interface Fault {
  readonly matches: (handlerId: string, messageClass: string) => boolean;
  remaining: number;
  readonly fail?: () => Error;
  readonly delayMs?: number;
}

/** What the harness interceptor does to one handler call. */
export interface CallFault {
  fail?: Error;
  delayMs?: number;
}

/**
 * The pending handler faults, consumed one call at a time in the order they were asked for.
 * A fault applies to a whole handler call (the retry policy does not see it): the call fails, as
 * a failure of the handler would, with no retry: dead-lettered as `handler-failed` on the
 * memory transport, left for redelivery on a durable one.
 */
export class HandlerFaults {
  private readonly faults: Fault[] = [];

  constructor(private readonly nameOf: (type: MessageType) => string) {}

  failNext(target: HandlerTarget, options: FailNextOptions = {}): void {
    const { error } = options;
    this.faults.push({
      matches: this.matcher(target),
      remaining: positive(options.times ?? 1, 'times'),
      fail: () =>
        typeof error === 'function'
          ? error()
          : (error ?? new InjectedFailureError(`The harness failed this call (failNext ${describeTarget(target)})`)),
    });
  }

  slowNext(target: HandlerTarget, options: SlowNextOptions): void {
    this.faults.push({
      matches: this.matcher(target),
      remaining: positive(options.times ?? 1, 'times'),
      delayMs: Math.max(0, options.ms),
    });
  }

  /** Takes the faults for this call: at most one failure and one delay. */
  take(handlerId: string, messageClass: string): CallFault {
    const taken: CallFault = {};
    for (const fault of this.faults) {
      if (fault.remaining <= 0 || !fault.matches(handlerId, messageClass)) continue;
      if (fault.fail && !taken.fail) {
        taken.fail = fault.fail();
        fault.remaining--;
      } else if (fault.delayMs !== undefined && taken.delayMs === undefined) {
        taken.delayMs = fault.delayMs;
        fault.remaining--;
      }
    }
    this.prune();
    return taken;
  }

  clear(): void {
    this.faults.length = 0;
  }

  private prune(): void {
    for (let index = this.faults.length - 1; index >= 0; index--) {
      if (this.faults[index].remaining <= 0) this.faults.splice(index, 1);
    }
  }

  private matcher(target: HandlerTarget): Fault['matches'] {
    if (typeof target === 'string') return (handlerId) => handlerId === target;
    const name = this.nameOf(target);
    return (_handlerId, messageClass) => messageClass === name;
  }
}

function describeTarget(target: HandlerTarget): string {
  return typeof target === 'string' ? target : target.name;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a whole number of at least 1, not ${value}`);
  return value;
}
