import { AsyncResource } from 'node:async_hooks';
import { SETTLED } from './promises';

type Task = () => Promise<void>;
/** A scheduled task knows how to settle its caller's promise when it is dropped unstarted. */
type DroppableTask = Task & { dropped?: () => void };

/**
 * Runs tasks at most `limit` at a time, starting them in the order they were queued, so a
 * limit of 1 keeps order. Callers handle their tasks' errors; a failing task only frees its slot.
 */
export class ConcurrencyLimiter {
  private readonly queue: Task[] = [];
  private head = 0;
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  get active(): number {
    return this.running;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  run(task: Task): void {
    if (this.running < this.limit) {
      void this.start(task);
    } else {
      this.queue.push(inCallersContext(task));
    }
  }

  /** Like `run`, and settles (never rejects) once the task has ended. */
  schedule(task: Task): Promise<void> {
    if (this.running < this.limit) return this.start(task);
    const own = inCallersContext(task);
    return new Promise<void>((ended) => {
      const queued: DroppableTask = () => {
        const settled = begin(own);
        settled.then(ended, ended);
        return settled;
      };
      queued.dropped = () => {
        own.dropped?.();
        ended();
      };
      this.queue.push(queued);
    });
  }

  /**
   * Forgets every task that has not started (at a shutdown that gave up on them): none of them
   * ever starts, and each `schedule` promise settles now instead of after the running tasks.
   * Returns how many were dropped.
   */
  drop(): number {
    const dropped = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const task of dropped) (task as DroppableTask).dropped?.();
    if (this.running === 0) this.finishIdle();
    return dropped.length;
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.running === 0 && this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(task: Task): Promise<void> {
    this.running++;
    return begin(task).then(this.finish, this.finish);
  }

  private readonly finish = (): void => {
    this.running--;
    if (this.head < this.queue.length) {
      const next = this.queue[this.head] as Task;
      this.queue[this.head++] = undefined as unknown as Task;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      void this.start(next);
    } else if (this.running === 0) {
      this.queue.length = 0;
      this.head = 0;
      this.finishIdle();
    }
  };

  private finishIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * A queued task starts when another one ends, inside that one's continuation: without this it
 * would run in the async context (AsyncLocalStorage: request ids, trace context) of the task
 * before it instead of its own caller's. Only queued tasks pay for it; one started at once runs
 * in its caller's context anyway.
 */
function inCallersContext(task: Task): DroppableTask {
  // Not AsyncResource.bind: its resource is tracked for garbage collection, which cost about
  // 8 µs per queued message in `pnpm bench steps` (memory path, 1000 in flight, 100 running).
  // Destroyed by hand once run, so destroy hooks (some context managers use them) see it end.
  const scope = new AsyncResource('SmartMessageQueuedTask', { requireManualDestroy: true });
  const own: DroppableTask = () => {
    try {
      return scope.runInAsyncScope(task);
    } finally {
      scope.emitDestroy();
    }
  };
  // A task dropped at shutdown never runs: its resource ends all the same.
  own.dropped = () => scope.emitDestroy();
  return own;
}

/** A task that throws before returning its promise must not stall the queue. */
function begin(task: Task): Promise<void> {
  try {
    return task();
  } catch {
    return SETTLED;
  }
}
