/** A transport's batch format: how frames become one broker message, and what that costs in bytes. */
export interface FrameBatchFormat {
  /** Bytes of a batch beside its frames and their per-frame cost (a marker, a count, a header end). */
  readonly overheadBytes: number;
  /** Bytes each frame costs beside its own, at most (e.g. its length in a header, and a separator). */
  readonly overheadPerFrameBytes: number;
  /** The broker message holding `frames`, given each one's UTF-8 size. */
  encode(frames: readonly string[], sizes: readonly number[]): string;
}

export interface FrameBatcherOptions {
  /** Frames per batch at most: a full batch goes out at once. A positive integer. */
  readonly maxMessages: number;
  /** How long a batch waits for more frames; 0: until the current turn of the event loop ends. */
  readonly maxDelayMs: number;
  /** Bytes a batch message may have: a frame that would take it past this starts the next batch. */
  readonly maxBytes: number;
  readonly format: FrameBatchFormat;
  /** Publishes one batch message to `destination` (a channel, subject or routing key); resolves once the broker has it. */
  send(destination: string, message: string): Promise<unknown>;
}

interface PendingBatch {
  readonly frames: string[];
  /** UTF-8 size of each frame, for the format's header. */
  readonly sizes: number[];
  /** Bytes the batch message will have. */
  bytes: number;
  readonly settled: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * Gathers the frames published to each destination into batches, each sent as one broker
 * message, trading a little latency for throughput. A batch goes out when it holds `maxMessages`
 * frames, when one more frame would take it past `maxBytes`, or after `maxDelayMs`. Every
 * publish of a batch resolves, or rejects with the same error, once that one message was sent.
 */
export class FrameBatcher {
  private readonly batches = new Map<string, PendingBatch>();

  constructor(private readonly options: FrameBatcherOptions) {}

  /** Resolves once the batch holding the frame (at most `maxBytes` long itself) was published. */
  add(destination: string, frame: string): Promise<void> {
    const { format, maxBytes, maxMessages } = this.options;
    const size = Buffer.byteLength(frame, 'utf8');
    let batch = this.batches.get(destination);
    if (batch && batch.bytes + size + format.overheadPerFrameBytes > maxBytes) {
      void this.flush(destination).catch(() => undefined);
      batch = undefined;
    }
    if (!batch) {
      batch = this.open(destination);
      this.batches.set(destination, batch);
    }
    batch.frames.push(frame);
    batch.sizes.push(size);
    batch.bytes += size + format.overheadPerFrameBytes;
    const settled = batch.settled;
    if (batch.frames.length >= maxMessages) void this.flush(destination);
    return settled;
  }

  /** Sends every open batch now (at close); resolves once each was sent or failed. */
  async flushAll(): Promise<void> {
    const pending = [...this.batches.keys()].map((destination) => this.flush(destination));
    await Promise.allSettled(pending);
  }

  private open(destination: string): PendingBatch {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const settled = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    const batch: PendingBatch = {
      frames: [],
      sizes: [],
      bytes: this.options.format.overheadBytes,
      settled,
      resolve,
      reject,
    };
    const flush = (): void => void this.flush(destination).catch(() => undefined);
    if (this.options.maxDelayMs > 0) batch.timer = setTimeout(flush, this.options.maxDelayMs);
    else setImmediate(flush);
    return batch;
  }

  private flush(destination: string): Promise<void> {
    const batch = this.batches.get(destination);
    if (!batch) return Promise.resolve();
    this.batches.delete(destination);
    clearTimeout(batch.timer);
    this.options.send(destination, this.options.format.encode(batch.frames, batch.sizes)).then(
      () => batch.resolve(),
      (error: unknown) => batch.reject(error instanceof Error ? error : new Error(String(error))),
    );
    return batch.settled;
  }
}
