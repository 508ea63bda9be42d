import { PubSubBatchOptions } from '../interfaces/redis-pubsub-transport-options.interface';

interface PendingBatch {
  readonly frames: string[];
  readonly settled: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * Gathers frames published to one channel into batches, sent as one PUBLISH whose message is
 * the frames joined by newlines (a frame is one line of JSON, so the receiver splits them back).
 * A batch goes out when it is full or after `maxDelayMs` (0: on the next turn of the event loop).
 */
export class PublishBatcher {
  private readonly batches = new Map<string, PendingBatch>();
  private readonly maxMessages: number;
  private readonly maxDelayMs: number;

  constructor(
    options: PubSubBatchOptions,
    private readonly send: (channel: string, message: string) => Promise<unknown>,
  ) {
    this.maxMessages = options.maxMessages ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 0;
  }

  /** Resolves once the batch holding the frame was published. */
  add(channel: string, frame: string): Promise<void> {
    let batch = this.batches.get(channel);
    if (!batch) {
      batch = this.open(channel);
      this.batches.set(channel, batch);
    }
    batch.frames.push(frame);
    const settled = batch.settled;
    if (batch.frames.length >= this.maxMessages) void this.flush(channel);
    return settled;
  }

  /** Sends every open batch now (at close). */
  async flushAll(): Promise<void> {
    const pending = [...this.batches.keys()].map((channel) => this.flush(channel));
    await Promise.allSettled(pending);
  }

  private open(channel: string): PendingBatch {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const settled = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    const batch: PendingBatch = { frames: [], settled, resolve, reject };
    const flush = (): void => void this.flush(channel).catch(() => undefined);
    if (this.maxDelayMs > 0) batch.timer = setTimeout(flush, this.maxDelayMs);
    else setImmediate(flush);
    return batch;
  }

  private flush(channel: string): Promise<void> {
    const batch = this.batches.get(channel);
    if (!batch) return Promise.resolve();
    this.batches.delete(channel);
    clearTimeout(batch.timer);
    this.send(channel, batch.frames.join('\n')).then(
      () => batch.resolve(),
      (error: unknown) => batch.reject(error instanceof Error ? error : new Error(String(error))),
    );
    return batch.settled;
  }
}
