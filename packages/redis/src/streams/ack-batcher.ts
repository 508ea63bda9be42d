import type { Redis } from 'ioredis';

/**
 * Collects acknowledgements per stream and sends them as one XACK, once the batch is full or on
 * the next turn of the event loop, so a busy consumer does not pay a round trip per message.
 */
export class AckBatcher {
  private readonly pending = new Map<string, string[]>();
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: () => Redis,
    private readonly group: string,
    private readonly maxBatch = 200,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  add(stream: string, id: string): void {
    const ids = this.pending.get(stream) ?? [];
    ids.push(id);
    this.pending.set(stream, ids);
    if (ids.length >= this.maxBatch) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Sends everything collected; resolves when Redis has answered. */
  flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    if (batches.length > 0) {
      this.flushing = this.flushing.then(() =>
        Promise.all(
          batches.map(([stream, ids]) =>
            this.client()
              .xack(stream, this.group, ...ids)
              .then(
                () => undefined,
                (error: Error) => this.onError(error),
              ),
          ),
        ).then(() => undefined),
      );
    }
    return this.flushing;
  }
}
