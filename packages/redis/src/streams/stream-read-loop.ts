import type { RedisClient } from '../connection/redis-client';
import type { MessageLogger } from '@smart-message/nestjs';
import { backoffDelay } from '@smart-message/nestjs/transport-kit';
import { RedisReplyShapeError } from '../errors/redis-reply-shape.error';
import { AckBatcher } from './ack-batcher';
import { ConsumedStream, roomOf } from './consumed-stream';
import { EntryDelivery } from './entry-delivery';
import { HeldBytes } from './held-bytes';
import { toStreamEntries } from './stream-entry';
import { isClusterTopologyError } from '../cluster/cluster-errors';
import { readUnblocker, ReadUnblocker } from './read-unblocker';
import { isWrongType, StreamKeyTypes } from './stream-key-types';
import { streamsOfReadReply } from './stream-reply';

export interface StreamReadLoopSettings {
  group: string;
  consumer: string;
  batchSize: number;
  blockMs: number;
  /** How often a consumer whose reads come back unreadable tries again. */
  claimIntervalMs: number;
}

export interface StreamReadLoopDependencies {
  reader: RedisClient;
  commands: () => RedisClient;
  streams: ReadonlyMap<string, ConsumedStream>;
  acks: AckBatcher;
  heldBytes: HeldBytes;
  delivery: EntryDelivery;
  keyTypes: StreamKeyTypes;
  logger: MessageLogger;
  ensureGroup(stream: string, startFrom?: '$' | '0'): Promise<void>;
  /** Own pending entries of `stream` are taken back before its new entries are read. */
  recoverOwnPending(stream: ConsumedStream): Promise<void>;
}

/** What a health check learns about a consumer's read loop. */
export interface StreamConsumerLiveness {
  reading: boolean;
  running: boolean;
  reader: string;
  sinceLastReadMs: number;
  waitingForRoom: boolean;
  /** Acknowledgements kept until the command connection is back; no new entries are read meanwhile. */
  acksWaiting: number;
  reason?: string;
}

/** After a failed read: 100 ms, doubling to 1 s, while Redis does not answer. */
const READ_RETRY_BACKOFF = { baseMs: 50, maxMs: 1000 } as const;

/**
 * A consumer's blocking read of new entries (XREADGROUP `>`) over every stream it reads,
 * asking only for as many entries as its handlers and the byte budget have room for, and
 * waiting while there is none. A read is interrupted (CLIENT UNBLOCK) when the stream set
 * changes or the consumer closes, so either takes effect at once.
 */
export class StreamReadLoop {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly unblocker: ReadUnblocker;
  private inRead = false;
  private wakeLoop?: () => void;
  private failures = 0;
  /** When XREADGROUP last came back (with entries or after blocking blockMs); health checks watch it. */
  private lastReadAt = Date.now();
  private waitingForRoom = false;
  /** The last read came back in a shape this consumer cannot read; cleared by the next read it can. */
  private replyShapeError?: RedisReplyShapeError;
  /** Settles once the read in flight has come back and delivered what it brought. */
  private readInFlight: Promise<void> = Promise.resolve();
  private readonly stopWatchingBytes: () => void;
  private cutPause?: () => void;

  constructor(
    private readonly settings: StreamReadLoopSettings,
    private readonly deps: StreamReadLoopDependencies,
  ) {
    this.stopWatchingBytes = deps.heldBytes.onRelease(() => this.wake());
    this.unblocker = readUnblocker(deps.reader, deps.commands);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Settles once the read in flight has come back and delivered what it brought. */
  get currentRead(): Promise<void> {
    return this.readInFlight;
  }

  start(): void {
    this.running = true;
    this.lastReadAt = Date.now();
    this.loopDone = this.readLoop();
  }

  /** Stops reading; resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopWatchingBytes();
    await this.interrupt();
    await this.loopDone;
  }

  /**
   * Whether the read loop still reads: it is dead when it has not come back from XREADGROUP for
   * longer than a blocking read plus `marginMs`, unless it waits because every handler is busy.
   */
  liveness(marginMs: number): StreamConsumerLiveness {
    const sinceLastReadMs = Date.now() - this.lastReadAt;
    const reader = this.deps.reader.status;
    const acksWaiting = this.deps.acks.waitingForConnection;
    const base = { running: this.running, reader, sinceLastReadMs, waitingForRoom: this.waitingForRoom, acksWaiting };
    if (!this.running || this.deps.streams.size === 0) return { ...base, reading: true };
    if (reader !== 'ready') return { ...base, reading: false, reason: `reader connection is ${reader}` };
    if (this.replyShapeError)
      return { ...base, reading: false, reason: `${this.replyShapeError.code}: ${this.replyShapeError.message}` };
    if (acksWaiting > 0)
      return {
        ...base,
        reading: false,
        reason: `${acksWaiting} acknowledgement(s) wait for the command connection; no new entries are read`,
      };
    if (this.waitingForRoom) return { ...base, reading: true };
    if (sinceLastReadMs > this.settings.blockMs + marginMs)
      return { ...base, reading: false, reason: `no read came back for ${sinceLastReadMs} ms` };
    return { ...base, reading: true };
  }

  /** Room freed or acknowledgements went out: a loop waiting for room reads again. */
  wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  /** Ends a blocking read early, so changes to the stream set or shutdown take effect at once. */
  async interrupt(): Promise<void> {
    this.wake();
    this.cutPause?.();
    if (this.inRead) await this.unblocker.unblock();
  }

  /** Read with `>` now: readable, not leaving, own pending entries taken back, with room. */
  private readable(stream: ConsumedStream): boolean {
    return !stream.failure && !stream.leaving && stream.ownPendingFrom === undefined && roomOf(stream) > 0;
  }

  private async readLoop(): Promise<void> {
    const { batchSize } = this.settings;
    while (this.running) {
      if (!this.canAcknowledge()) {
        // What is read now could not be acknowledged: it would come back through claims, twice.
        await this.pause(50);
        continue;
      }
      for (const stream of this.deps.streams.values())
        if (stream.ownPendingFrom !== undefined && !stream.recoveringOwn) void this.deps.recoverOwnPending(stream);
      const ready = [...this.deps.streams.values()].filter((stream) => this.readable(stream));
      const fit = this.deps.heldBytes.entriesThatFit();
      if (ready.length === 0 || fit === 0) {
        this.waitingForRoom = true;
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        this.waitingForRoom = false;
        // Waiting for room is not a stalled read: the clock starts again from here.
        this.lastReadAt = Date.now();
        continue;
      }
      // COUNT applies per stream: the byte budget's share is split between the streams read.
      const count = Math.min(
        batchSize,
        Math.max(1, Math.floor(fit / ready.length)),
        ...ready.map((stream) => roomOf(stream)),
      );
      const keys = ready.map((stream) => stream.key);
      let settleRead!: () => void;
      this.readInFlight = new Promise<void>((resolve) => (settleRead = resolve));
      try {
        const reply = await this.read(keys, count);
        if (reply === undefined) break;
        this.deliverReply(reply);
        this.replyShapeError = undefined;
      } catch (error) {
        settleRead();
        if (!this.running) break;
        if (error instanceof RedisReplyShapeError) await this.onUnreadableReply(error);
        else await this.recoverFromReadError(error as Error, keys);
      } finally {
        settleRead();
      }
    }
  }

  /** One XREADGROUP of new entries; `undefined` when the consumer stopped before it was sent. */
  private async read(keys: string[], count: number): Promise<unknown> {
    const { reader } = this.deps;
    const { group, consumer, blockMs } = this.settings;
    try {
      await this.unblocker.beforeRead(keys);
      if (!this.running) return undefined;
      this.inRead = true;
      const reply: unknown = await reader.callBuffer(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        ...keys,
        ...keys.map(() => '>'),
      );
      this.failures = 0;
      this.lastReadAt = Date.now();
      return reply;
    } finally {
      this.inRead = false;
    }
  }

  /**
   * Hands every entry of a reply over; entries of a stream whose part of the reply cannot be read
   * stay pending (they come back through claims) and the shape error is thrown once the rest is delivered.
   */
  private deliverReply(reply: unknown): void {
    let unreadable: unknown;
    for (const [key, rawEntries] of streamsOfReadReply(reply)) {
      const stream = this.deps.streams.get(key);
      // Streams leave only once the read in flight delivered (see the consumer's remove): an unknown
      // key means the client rewrote the keys (a keyPrefix) or the reply; its entries would be lost silently.
      if (!stream) {
        unreadable ??= new RedisReplyShapeError('XREADGROUP', `entries of ${key}, a stream that was not read`);
        continue;
      }
      try {
        for (const entry of toStreamEntries(rawEntries)) this.deps.delivery.deliver(stream, entry, 1);
      } catch (error) {
        unreadable ??= error;
      }
    }
    if (unreadable) throw unreadable;
  }

  /**
   * A reply of a shape this consumer does not read: reported (logged once, health down with the
   * code), and reads slow down to one per claim interval, so entries do not pile up pending
   * unhandled while the cause is fixed.
   */
  private async onUnreadableReply(error: RedisReplyShapeError): Promise<void> {
    if (!this.replyShapeError)
      this.deps.logger.error('Redis answered a stream read in a shape this consumer cannot read', {
        code: error.code,
        group: this.settings.group,
        error: error.message,
      });
    this.replyShapeError = error;
    await this.pause(this.settings.claimIntervalMs);
  }

  private async recoverFromReadError(error: Error, keys: string[]): Promise<void> {
    if (isWrongType(error) && (await this.deps.keyTypes.isolate(keys))) return;
    if (isClusterTopologyError(error)) {
      // A slot moved or a failover is under way: the group and its pending entries move with the
      // key, so the read is sent again (ioredis follows the MOVED it then gets). Never NOGROUP.
      this.failures++;
      if (this.failures === 4)
        this.deps.logger.warn('Reading a stream keeps failing while the cluster changes; retrying', {
          error: error.message,
          streams: keys,
        });
      await this.pause(backoffDelay(this.failures, READ_RETRY_BACKOFF));
      return;
    }
    this.failures++;
    if (/NOGROUP/.test(error.message)) {
      // Redis lost the group (restarted without persistence): recreate it and read what arrived since.
      this.deps.logger.warn('Consumer group missing; recreating it', { group: this.settings.group, streams: keys });
      await Promise.all(keys.map((key) => this.deps.ensureGroup(key, '0').catch(() => undefined)));
    } else if (this.failures === 1) {
      this.deps.logger.warn('Reading streams failed; retrying until Redis answers', { error: error.message });
    }
    await this.pause(backoffDelay(this.failures, READ_RETRY_BACKOFF));
  }

  /** Whether an entry read now could be acknowledged: nothing kept from an outage, command connection ready. */
  private canAcknowledge(): boolean {
    return this.deps.acks.waitingForConnection === 0 && this.deps.commands().status === 'ready';
  }

  /** Waits `ms`, or less when the read is interrupted (a stream added or removed, shutdown). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.cutPause === done) this.cutPause = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cutPause = done;
    });
  }
}
