import type { RedisClient } from '../connection/redis-client';

/** What happened to acknowledgements that Redis did not confirm. */
export interface AckFailure {
  error: Error;
  count: number;
  /** True when the connection was lost: the ids are kept and sent again once it is ready. */
  kept: boolean;
}

export interface AckBatcherEvents {
  onFailure(failure: AckFailure): void;
  /** Every acknowledgement kept during an outage reached Redis. */
  onRecovered(count: number): void;
}

const RETRY_POLL_MS = 100;

/**
 * Collects acknowledgements per stream and sends them as one XACK, once the batch is full or on
 * the next turn of the event loop, so a busy consumer does not pay a round trip per message.
 * Acknowledgements that fail because the connection is lost are kept and sent again as soon as
 * the command connection is ready: dropping them would hand every entry finished during an
 * outage to a claim round, to be handled a second time.
 */
export class AckBatcher {
  private readonly pending = new Map<string, string[]>();
  /** Ids added and not yet confirmed by Redis, so a claim round does not take them back meanwhile. */
  private readonly unsent = new Map<string, Set<string>>();
  private readonly kept = new Map<string, string[]>();
  private keptCount = 0;
  private keptSince = 0;
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private retryTimer?: NodeJS.Timeout;
  private readonly clearWaiters = new Set<() => void>();

  constructor(
    private readonly client: () => RedisClient,
    private readonly group: string,
    private readonly maxBatch = 200,
    private readonly events: AckBatcherEvents = { onFailure: () => undefined, onRecovered: () => undefined },
  ) {}

  /** Acknowledgements kept because the connection was lost, not yet sent. */
  get waitingForConnection(): number {
    return this.keptCount;
  }

  /** Whether `id` was acknowledged here and Redis has not confirmed it yet. */
  has(stream: string, id: string): boolean {
    return this.unsent.get(stream)?.has(id) ?? false;
  }

  add(stream: string, id: string): void {
    let unsent = this.unsent.get(stream);
    if (!unsent) this.unsent.set(stream, (unsent = new Set()));
    unsent.add(id);
    const ids = this.pending.get(stream) ?? [];
    ids.push(id);
    this.pending.set(stream, ids);
    if (ids.length >= this.maxBatch) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Sends everything collected; resolves when Redis has answered (or the ids were kept for later). */
  flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    if (batches.length > 0) {
      this.flushing = this.flushing.then(() =>
        Promise.all(batches.map(([stream, ids]) => this.send(stream, ids))).then(() => undefined),
      );
    }
    return this.flushing;
  }

  /** Resolves once no acknowledgement waits for the connection. */
  whenSent(): Promise<void> {
    if (this.keptCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.clearWaiters.add(resolve));
  }

  /** At close: stops retrying; returns how many acknowledgements were never sent. */
  discardKept(): number {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    const count = this.keptCount;
    for (const [stream, ids] of this.kept) for (const id of ids) this.unsent.get(stream)?.delete(id);
    this.kept.clear();
    this.keptCount = 0;
    this.releaseWaiters();
    return count;
  }

  private async send(stream: string, ids: string[]): Promise<void> {
    try {
      await this.client().xack(stream, this.group, ...ids);
      this.confirm(stream, ids);
    } catch (error) {
      const failure = error as Error;
      if (isConnectionLoss(failure)) {
        this.keep(stream, ids);
        this.events.onFailure({ error: failure, count: ids.length, kept: true });
      } else {
        this.confirm(stream, ids);
        this.events.onFailure({ error: failure, count: ids.length, kept: false });
      }
    }
  }

  private confirm(stream: string, ids: string[]): void {
    const unsent = this.unsent.get(stream);
    if (!unsent) return;
    for (const id of ids) unsent.delete(id);
    if (unsent.size === 0) this.unsent.delete(stream);
  }

  private keep(stream: string, ids: string[]): void {
    const kept = this.kept.get(stream) ?? [];
    kept.push(...ids);
    this.kept.set(stream, kept);
    this.keptCount += ids.length;
    this.keptSince += ids.length;
    if (!this.retryTimer) {
      this.retryTimer = setInterval(() => this.retryKept(), RETRY_POLL_MS);
      this.retryTimer.unref();
    }
  }

  /** Sends kept ids again once the command connection is ready; what fails again is kept again. */
  private retryKept(): void {
    if (this.keptCount === 0 || this.client().status !== 'ready') return;
    const batches = [...this.kept];
    this.kept.clear();
    this.keptCount = 0;
    for (const [stream, ids] of batches) {
      const queued = this.pending.get(stream) ?? [];
      queued.push(...ids);
      this.pending.set(stream, queued);
    }
    void this.flush().then(() => {
      if (this.keptCount > 0) return;
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
      this.events.onRecovered(this.keptSince);
      this.keptSince = 0;
      this.releaseWaiters();
    });
  }

  private releaseWaiters(): void {
    const waiters = [...this.clearWaiters];
    this.clearWaiters.clear();
    for (const waiter of waiters) waiter();
  }
}

/**
 * A failure of the connection rather than an answer from Redis: not connected, connection
 * closed or timed out, or a server still loading its data after a restart. Retrying such an
 * XACK can succeed; retrying one Redis refused (NOGROUP, WRONGTYPE) cannot.
 */
export function isConnectionLoss(error: Error): boolean {
  if (error.name !== 'ReplyError') return true;
  return /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY)\b/.test(error.message);
}
