import { InvalidOptionError } from '@smart-message/nestjs';
import { PubSubBatchOptions } from '../interfaces/redis-pubsub-transport-options.interface';
import { encodeBatch, MAX_BATCH_FRAMES } from './batch-frame';

/** Marker, count and header newline; then per frame a length of up to 10 digits, a space and a newline. */
const BATCH_OVERHEAD = 16;
const BATCH_OVERHEAD_PER_FRAME = 12;

interface PendingBatch {
  readonly frames: string[];
  /** UTF-8 size of each frame, written into the batch header. */
  readonly sizes: number[];
  /** Bytes the batch message will have. */
  bytes: number;
  readonly settled: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * Gathers frames published to one channel into batches, sent as one PUBLISH in the batch format
 * of `encodeBatch`. A batch goes out when it holds `maxMessages` frames, when one more frame would
 * take it past `maxFrameBytes`, or after `maxDelayMs` (0: on the next turn of the event loop).
 */
export class PublishBatcher {
  private readonly batches = new Map<string, PendingBatch>();
  private readonly maxMessages: number;
  private readonly maxDelayMs: number;

  constructor(
    options: PubSubBatchOptions,
    private readonly maxBytes: number,
    private readonly send: (channel: string, message: string) => Promise<unknown>,
  ) {
    this.maxMessages = options.maxMessages ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 0;
    if (!Number.isInteger(this.maxMessages) || this.maxMessages < 1 || this.maxMessages > MAX_BATCH_FRAMES)
      throw new InvalidOptionError(
        'RedisPubSubTransport',
        'batch.maxMessages',
        options.maxMessages,
        `an integer from 1 to ${MAX_BATCH_FRAMES} (what receivers accept)`,
      );
  }

  /** Resolves once the batch holding the frame (at most `maxBytes` long itself) was published. */
  add(channel: string, frame: string): Promise<void> {
    const size = Buffer.byteLength(frame, 'utf8');
    let batch = this.batches.get(channel);
    // Header: the marker, the count and a length per frame (at most 11 bytes each), plus newlines.
    if (batch && batch.bytes + size + BATCH_OVERHEAD_PER_FRAME > this.maxBytes) {
      void this.flush(channel).catch(() => undefined);
      batch = undefined;
    }
    if (!batch) {
      batch = this.open(channel);
      this.batches.set(channel, batch);
    }
    batch.frames.push(frame);
    batch.sizes.push(size);
    batch.bytes += size + BATCH_OVERHEAD_PER_FRAME;
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
    const batch: PendingBatch = { frames: [], sizes: [], bytes: BATCH_OVERHEAD, settled, resolve, reject };
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
    this.send(channel, encodeBatch(batch.frames, batch.sizes)).then(
      () => batch.resolve(),
      (error: unknown) => batch.reject(error instanceof Error ? error : new Error(String(error))),
    );
    return batch.settled;
  }
}
