import type { Redis } from 'ioredis';
import { Envelope, FrameCodec, MessageLogger } from '@smart-message/nestjs';
import {
  DEFAULT_MAX_FRAME_BYTES,
  DeliveryInfo,
  DeliveryQueue,
  FrameRejection,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
  TransportSubscribeOptions,
} from '@smart-message/nestjs/transport-kit';
import { RedisReplyShapeError } from '../errors/redis-reply-shape.error';
import { StreamKeyTypeError } from '../errors/stream-key-type.error';
import { AckBatcher } from './ack-batcher';
import { DeadLetterStream } from './dead-letter-stream';
import { HeldBytes } from './held-bytes';
import { StreamEntry, toStreamEntries } from './stream-entry';
import { describeShape, streamsOfReadReply } from './stream-reply';

export interface StreamSubscription {
  readonly options: TransportSubscribeOptions;
  readonly queue: DeliveryQueue;
}

interface ConsumedStream {
  readonly key: string;
  readonly subscriptions: Set<StreamSubscription>;
  /** Ids of entries read and not yet finished by every subscription. */
  readonly held: Set<string>;
  /** Why this stream cannot be read (its key holds another type); the group's other streams are read meanwhile. */
  failure?: StreamKeyTypeError;
  /** Its last subscription is leaving: no new reads, while the read in flight still delivers what it brings. */
  leaving: boolean;
  /**
   * Where the next look at this consumer's own pending entries (left by an earlier run under the
   * same name) starts, `undefined` once they are all taken back; new entries are read after them.
   */
  ownPendingFrom?: string;
  recoveringOwn: boolean;
}

export interface StreamConsumerSettings {
  group: string;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  claimIntervalMs: number;
  maxDeliveries: number;
  /** Entries whose frame is larger are set aside as `undecodable` without being parsed (default 1 MiB). */
  maxFrameBytes?: number;
}

export interface StreamConsumerDependencies {
  reader: Redis;
  commands: () => Redis;
  codec: FrameCodec;
  logger: MessageLogger;
  deadLetters: DeadLetterStream;
  /** The byte budget for entries held, shared by the transport's consumer groups. */
  heldBytes: HeldBytes;
  ensureGroup(stream: string, startFrom?: '$' | '0'): Promise<void>;
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

interface PendingCandidate {
  id: string;
  deliveries: number;
}

/**
 * One consumer of one consumer group: a blocking read loop over every stream this instance
 * subscribes to, reading only as many entries as its handlers have room for, acknowledging an
 * entry once every local subscription handled it, and claiming entries that other (dead)
 * consumers left pending.
 */
export class StreamConsumer {
  private readonly streams = new Map<string, ConsumedStream>();
  private readonly acks: AckBatcher;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private claimTimer?: NodeJS.Timeout;
  private claiming = false;
  private readerId?: number;
  private readerIdStale = true;
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
    private readonly settings: StreamConsumerSettings,
    private readonly deps: StreamConsumerDependencies,
  ) {
    this.acks = new AckBatcher(deps.commands, settings.group, 200, {
      onFailure: ({ error, count, kept }) => {
        if (!kept) {
          this.deps.logger.warn('Acknowledging stream entries failed; they stay pending and will be delivered again', {
            error: error.message,
            group: settings.group,
            count,
          });
        } else if (this.acks.waitingForConnection === count) {
          // Once per outage: the first acknowledgements kept.
          this.deps.logger.warn(
            'Acknowledging stream entries failed: the connection to Redis is lost. They are kept and sent once it is back; no new entries are read meanwhile',
            { error: error.message, group: settings.group, count },
          );
        }
      },
      onRecovered: (count) => {
        this.deps.logger.log('Acknowledgements kept during the outage were sent', { group: settings.group, count });
        this.wake();
      },
    });
    this.stopWatchingBytes = deps.heldBytes.onRelease(() => this.wake());
    deps.reader.on('ready', () => {
      this.readerIdStale = true;
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Streams this consumer reads. */
  get streamKeys(): string[] {
    return [...this.streams.keys()];
  }

  /**
   * Whether the read loop still reads: it is dead when it has not come back from XREADGROUP for
   * longer than a blocking read plus `marginMs`, unless it waits because every handler is busy.
   */
  liveness(marginMs: number): StreamConsumerLiveness {
    const sinceLastReadMs = Date.now() - this.lastReadAt;
    const reader = this.deps.reader.status;
    const acksWaiting = this.acks.waitingForConnection;
    const base = { running: this.running, reader, sinceLastReadMs, waitingForRoom: this.waitingForRoom, acksWaiting };
    if (!this.running || this.streams.size === 0) return { ...base, reading: true };
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

  /** Streams of this group that cannot be read now, with why; the others are read meanwhile. */
  streamFailures(): Map<string, StreamKeyTypeError> {
    const failures = new Map<string, StreamKeyTypeError>();
    for (const stream of this.streams.values()) if (stream.failure) failures.set(stream.key, stream.failure);
    return failures;
  }

  /** Entries read and not finished, over all streams. */
  get inFlight(): number {
    let total = 0;
    for (const stream of this.streams.values()) total += stream.held.size;
    return total;
  }

  async add(key: string, subscription: StreamSubscription, startFrom: '$' | '0'): Promise<void> {
    let failure: StreamKeyTypeError | undefined;
    try {
      await this.deps.ensureGroup(key, startFrom);
    } catch (error) {
      // A key of another type must not fail the whole subscription set: it is reported and retried.
      if (!isWrongType(error)) throw error;
      failure = await this.wrongTypeOf(key);
    }
    let stream = this.streams.get(key);
    const isNew = !stream;
    if (!stream) {
      stream = {
        key,
        subscriptions: new Set(),
        held: new Set(),
        leaving: false,
        ownPendingFrom: '-',
        recoveringOwn: false,
      };
      this.streams.set(key, stream);
      if (failure) this.fail(stream, failure);
    }
    stream.subscriptions.add(subscription);
    if (isNew) await this.recoverOwnPending(stream);
    if (!this.running) this.start();
    else await this.interruptRead();
  }

  async remove(key: string, subscription: StreamSubscription): Promise<void> {
    const stream = this.streams.get(key);
    if (!stream) return;
    const last = stream.subscriptions.size === 1 && stream.subscriptions.has(subscription);
    if (last) {
      // A read in flight may bring entries of this stream: they are delivered to this
      // subscription and acknowledged before it leaves, not left pending under its name.
      stream.leaving = true;
      await this.interruptRead();
      await this.readInFlight;
      this.streams.delete(key);
    }
    stream.subscriptions.delete(subscription);
    await this.interruptRead();
    await subscription.queue.idle();
    await this.acks.flush();
    if (last) await this.leaveGroupIfDone(stream);
  }

  /** Stops reading, lets in-flight entries finish and acknowledges them; the rest stays pending. */
  async close(): Promise<void> {
    this.running = false;
    clearInterval(this.claimTimer);
    this.stopWatchingBytes();
    await this.interruptRead();
    await this.loopDone;
    const subscriptions = [...this.streams.values()].flatMap((stream) => [...stream.subscriptions]);
    await Promise.all(subscriptions.map((subscription) => subscription.queue.idle()));
    await this.acks.flush();
    const unsent = this.acks.discardKept();
    if (unsent > 0)
      this.deps.logger.warn(
        'Closed with acknowledgements Redis never received; those entries will be delivered again',
        {
          group: this.settings.group,
          count: unsent,
        },
      );
    for (const stream of this.streams.values()) await this.leaveGroupIfDone(stream);
  }

  /** A consumer with nothing pending leaves its group, so stopped instances do not pile up in XINFO CONSUMERS. */
  private async leaveGroupIfDone(stream: ConsumedStream): Promise<void> {
    try {
      const own = await this.pendingEntries(stream, '-', '+', 1, this.settings.consumer);
      if (own.length > 0) return;
      await this.deps.commands().xgroup('DELCONSUMER', stream.key, this.settings.group, this.settings.consumer);
    } catch {
      // Best effort: a consumer left behind only shows in XINFO.
    }
  }

  private start(): void {
    this.running = true;
    this.lastReadAt = Date.now();
    this.loopDone = this.readLoop();
    this.claimTimer = setInterval(() => void this.claimIdle(), this.settings.claimIntervalMs);
    this.claimTimer.unref();
    void this.claimIdle();
  }

  private free(stream: ConsumedStream): number {
    let room = Infinity;
    for (const subscription of stream.subscriptions) room = Math.min(room, subscription.options.concurrency);
    return room - stream.held.size;
  }

  /** Read with `>` now: readable, not leaving, own pending entries taken back, with room. */
  private readable(stream: ConsumedStream): boolean {
    return !stream.failure && !stream.leaving && stream.ownPendingFrom === undefined && this.free(stream) > 0;
  }

  private async readLoop(): Promise<void> {
    const { batchSize } = this.settings;
    while (this.running) {
      if (!this.canAcknowledge()) {
        // What is read now could not be acknowledged: it would come back through claims, twice.
        await this.pause(50);
        continue;
      }
      for (const stream of this.streams.values())
        if (stream.ownPendingFrom !== undefined && !stream.recoveringOwn) void this.recoverOwnPending(stream);
      const ready = [...this.streams.values()].filter((stream) => this.readable(stream));
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
        ...ready.map((stream) => this.free(stream)),
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
      if (this.readerIdStale) {
        this.readerId = (await reader.client('ID')) as number;
        this.readerIdStale = false;
      }
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
      const stream = this.streams.get(key);
      // Streams leave only once the read in flight delivered (see remove): an unknown key means
      // the client rewrote the keys (a keyPrefix) or the reply; its entries would be lost silently.
      if (!stream) {
        unreadable ??= new RedisReplyShapeError('XREADGROUP', `entries of ${key}, a stream that was not read`);
        continue;
      }
      try {
        for (const entry of toStreamEntries(rawEntries)) this.deliver(stream, entry, 1);
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
    if (isWrongType(error) && (await this.isolateWrongType(keys))) return;
    this.failures++;
    if (/NOGROUP/.test(error.message)) {
      // Redis lost the group (restarted without persistence): recreate it and read what arrived since.
      this.deps.logger.warn('Consumer group missing; recreating it', { group: this.settings.group, streams: keys });
      await Promise.all(keys.map((key) => this.deps.ensureGroup(key, '0').catch(() => undefined)));
    } else if (this.failures === 1) {
      this.deps.logger.warn('Reading streams failed; retrying until Redis answers', { error: error.message });
    }
    await this.pause(Math.min(1000, 50 * 2 ** Math.min(this.failures, 5)));
  }

  /**
   * XREADGROUP fails as a whole when one of its keys is not a stream, and does not say which:
   * finds the keys of another type and sets their streams aside, so the next read covers the
   * others. False when every key is a stream again (the next read will tell).
   */
  private async isolateWrongType(keys: string[]): Promise<boolean> {
    let isolated = false;
    const found = await Promise.all(keys.map((key) => this.wrongTypeOf(key).catch(() => undefined)));
    found.forEach((failure, index) => {
      const stream = this.streams.get(keys[index]!);
      if (!failure || !stream) return;
      this.fail(stream, failure);
      isolated = true;
    });
    return isolated;
  }

  private async wrongTypeOf(key: string): Promise<StreamKeyTypeError | undefined> {
    const type = await this.deps.commands().type(key);
    return type === 'stream' || type === 'none' ? undefined : new StreamKeyTypeError(key, type, this.settings.group);
  }

  private fail(stream: ConsumedStream, failure: StreamKeyTypeError): void {
    stream.failure = failure;
    this.deps.logger.error('A stream cannot be read; its consumer group reads its other streams meanwhile', {
      code: failure.code,
      stream: stream.key,
      group: this.settings.group,
      type: failure.keyType,
      error: failure.message,
    });
  }

  /** On the claim timer: a stream set aside for its key's type is read again once the key is a stream (or gone). */
  private async retryFailedStreams(): Promise<void> {
    let restored = false;
    for (const stream of [...this.streams.values()]) {
      if (!stream.failure) continue;
      try {
        const failure = await this.wrongTypeOf(stream.key);
        if (failure) continue;
        // The key was replaced: its group went with it, so the new stream is read from its start.
        await this.deps.ensureGroup(stream.key, '0');
        stream.failure = undefined;
        restored = true;
        this.deps.logger.log('A stream set aside for its key type is a stream again; reading it', {
          stream: stream.key,
          group: this.settings.group,
        });
        void this.recoverOwnPending(stream);
      } catch {
        // Tried again on the next claim round.
      }
    }
    if (restored) await this.interruptRead();
  }

  /** Whether an entry read now could be acknowledged: nothing kept from an outage, command connection ready. */
  private canAcknowledge(): boolean {
    return this.acks.waitingForConnection === 0 && this.deps.commands().status === 'ready';
  }

  private deliver(stream: ConsumedStream, entry: StreamEntry, attempt: number): void {
    if (entry.frame === null) {
      this.reject(stream, {
        reason: 'trimmed',
        attempt,
        error: new Error(`entry ${entry.id} was trimmed from ${stream.key}`),
      });
      this.acks.add(stream.key, entry.id);
      return;
    }
    const maxFrameBytes = this.settings.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (entry.frame.length > maxFrameBytes) {
      // Never parsed; the dead letter keeps the first bytes, not all of it.
      const error = oversizedFrameError(entry.frame.length, maxFrameBytes);
      const sample = entry.frame.subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES);
      this.setAside(stream, entry.id, sample, 'undecodable', attempt, error);
      return;
    }
    let envelope: Envelope;
    try {
      envelope = this.deps.codec.decode(entry.frame);
    } catch (error) {
      this.setAside(stream, entry.id, entry.frame, 'undecodable', attempt, error as Error);
      return;
    }
    stream.held.add(entry.id);
    const bytes = entry.frame.length;
    this.deps.heldBytes.take(bytes);
    const delivery: DeliveryInfo = { attempt, redelivers: true };
    // Acknowledged only when every local subscription handled it; otherwise it stays pending
    // and is delivered again once it has been idle for claimIdleMs.
    const settle = (handled: boolean): void => {
      if (handled) this.acks.add(stream.key, entry.id);
      stream.held.delete(entry.id);
      this.deps.heldBytes.release(bytes);
      this.wake();
      if (stream.ownPendingFrom !== undefined) void this.recoverOwnPending(stream);
    };
    if (stream.subscriptions.size === 1) {
      // The usual case, one subscription per message type: no copies, no allSettled.
      for (const only of stream.subscriptions) {
        only.queue.push(envelope, delivery).then(
          () => settle(true),
          () => settle(false),
        );
      }
      return;
    }
    const subscriptions = [...stream.subscriptions];
    void Promise.allSettled(subscriptions.map((subscription) => subscription.queue.push(envelope, delivery))).then(
      (results) => settle(results.every((result) => result.status === 'fulfilled')),
    );
  }

  /** Records the entry in the dead-letter stream, then acknowledges it: never redelivered forever, never lost. */
  private setAside(
    stream: ConsumedStream,
    id: string,
    frame: Buffer | null,
    reason: 'undecodable' | 'poison',
    deliveries: number,
    error: Error,
  ): void {
    void this.deps.deadLetters.record({ stream: stream.key, id, reason, error: error.message, deliveries, frame }).then(
      () => {
        this.acks.add(stream.key, id);
        this.reject(stream, { reason, frame: frame ?? undefined, attempt: deliveries, error });
      },
      (recordError: Error) =>
        this.deps.logger.error('Could not record a set-aside entry; it stays pending', {
          stream: stream.key,
          id,
          reason,
          error: recordError.message,
        }),
    );
  }

  private reject(stream: ConsumedStream, rejection: FrameRejection): void {
    for (const subscription of stream.subscriptions) subscription.options.onReject?.(rejection);
  }

  /** At start: entries this consumer name left pending before a restart come back at once. */
  /**
   * Takes back the entries this consumer name left pending before a restart, batch by batch as
   * room frees, before any new entry of the stream is read. A killed instance can leave more
   * pending than its concurrency (a read in flight, acknowledgements not yet sent): taking one
   * batch only left the rest waiting for claimIdleMs.
   */
  private async recoverOwnPending(stream: ConsumedStream): Promise<void> {
    if (stream.recoveringOwn) return;
    stream.recoveringOwn = true;
    try {
      while (
        stream.ownPendingFrom !== undefined &&
        !stream.failure &&
        !stream.leaving &&
        this.streams.get(stream.key) === stream
      ) {
        const room = Math.min(this.free(stream), this.settings.batchSize, this.deps.heldBytes.entriesThatFit());
        if (room <= 0) return; // resumed when room frees (see deliver and readLoop)
        const own = await this.pendingEntries(stream, stream.ownPendingFrom, '+', room, this.settings.consumer);
        const last = own[own.length - 1];
        stream.ownPendingFrom = own.length < room || !last ? undefined : `(${last.id}`;
        await this.reclaim(stream, own, 0);
      }
    } catch (error) {
      stream.ownPendingFrom = undefined;
      this.deps.logger.warn('Could not look at own pending entries; the claim timer will', {
        error: (error as Error).message,
      });
    } finally {
      stream.recoveringOwn = false;
    }
    // Done: the stream's new entries are read from now on.
    if (stream.ownPendingFrom === undefined && this.running) await this.interruptRead();
  }

  /** Claims entries other consumers left idle for claimIdleMs, within this consumer's free room. */
  private async claimIdle(): Promise<void> {
    if (this.claiming || !this.running) return;
    this.claiming = true;
    try {
      await this.retryFailedStreams();
      for (const stream of [...this.streams.values()]) {
        if (stream.failure || stream.leaving) continue;
        try {
          await this.claimIdleOf(stream);
        } catch (error) {
          // One stream's failure (its key replaced by another type meanwhile) must not stop the others' claims.
          this.deps.logger.warn('Claiming idle entries failed; trying again later', {
            stream: stream.key,
            error: (error as Error).message,
          });
        }
      }
    } finally {
      this.claiming = false;
    }
  }

  private async claimIdleOf(stream: ConsumedStream): Promise<void> {
    await this.keepHeldEntries(stream);
    const room = Math.min(this.free(stream), this.settings.batchSize, this.deps.heldBytes.entriesThatFit());
    if (room <= 0) return;
    const idle = await this.pendingEntries(stream, 'IDLE', this.settings.claimIdleMs, '-', '+', room);
    await this.reclaim(stream, idle, this.settings.claimIdleMs);
  }

  /**
   * Resets the idle time of entries this instance is still handling (XCLAIM … JUSTID does not
   * count a delivery), so a slow handler's entries are not claimed by another consumer.
   */
  private async keepHeldEntries(stream: ConsumedStream): Promise<void> {
    if (stream.held.size === 0) return;
    await this.deps
      .commands()
      .call('XCLAIM', stream.key, this.settings.group, this.settings.consumer, 0, ...stream.held, 'JUSTID');
  }

  /** XPENDING's extended form: id and delivery count of each pending entry that matches. */
  private async pendingEntries(stream: ConsumedStream, ...range: (string | number)[]): Promise<PendingCandidate[]> {
    const rows: unknown = await this.deps.commands().call('XPENDING', stream.key, this.settings.group, ...range);
    if (!Array.isArray(rows)) throw new RedisReplyShapeError('XPENDING', describeShape(rows));
    return rows.map((row: unknown) => {
      if (!Array.isArray(row) || row.length < 4 || (typeof row[0] !== 'string' && !Buffer.isBuffer(row[0])))
        throw new RedisReplyShapeError('XPENDING', `a row as ${describeShape(row)}`);
      return { id: String(row[0]), deliveries: Number(row[3]) };
    });
  }

  private async reclaim(stream: ConsumedStream, found: PendingCandidate[], minIdleMs: number): Promise<void> {
    // Not what this instance still handles, nor what it finished and has not acknowledged yet.
    const candidates = found.filter(
      (candidate) => !stream.held.has(candidate.id) && !this.acks.has(stream.key, candidate.id),
    );
    if (candidates.length === 0) return;
    const commands = this.deps.commands();
    const poison = candidates.filter((candidate) => candidate.deliveries >= this.settings.maxDeliveries);
    for (const candidate of poison) {
      const [entry] = toStreamEntries(
        await commands.callBuffer('XRANGE', stream.key, candidate.id, candidate.id),
        'XRANGE',
      );
      if (!entry) {
        await commands.xack(stream.key, this.settings.group, candidate.id);
        this.reportTrimmed(stream, candidate);
        continue;
      }
      this.setAside(
        stream,
        candidate.id,
        entry.frame,
        'poison',
        candidate.deliveries,
        new Error(
          `delivered ${candidate.deliveries} times without being handled (maxDeliveries ${this.settings.maxDeliveries})`,
        ),
      );
    }
    const rest = candidates.filter((candidate) => candidate.deliveries < this.settings.maxDeliveries);
    if (rest.length === 0) return;
    const claimed = toStreamEntries(
      await commands.callBuffer(
        'XCLAIM',
        stream.key,
        this.settings.group,
        this.settings.consumer,
        minIdleMs,
        ...rest.map((candidate) => candidate.id),
      ),
      'XCLAIM',
    );
    const claimedIds = new Set(claimed.map((entry) => entry.id));
    for (const entry of claimed) {
      const deliveries = rest.find((candidate) => candidate.id === entry.id)?.deliveries ?? 1;
      this.deliver(stream, entry, deliveries + 1);
    }
    for (const candidate of rest.filter((c) => !claimedIds.has(c.id))) {
      // Not claimed: another consumer took it first, or the entry was trimmed (Redis then drops it from the pending list).
      const exists = toStreamEntries(
        await commands.callBuffer('XRANGE', stream.key, candidate.id, candidate.id),
        'XRANGE',
      );
      if (exists.length === 0) this.reportTrimmed(stream, candidate);
    }
  }

  private reportTrimmed(stream: ConsumedStream, candidate: PendingCandidate): void {
    const error = new Error(`pending entry ${candidate.id} was trimmed from ${stream.key} before it was handled`);
    this.deps.logger.error('A pending stream entry was trimmed away before it was handled', {
      stream: stream.key,
      id: candidate.id,
      deliveries: candidate.deliveries,
    });
    this.reject(stream, { reason: 'trimmed', attempt: candidate.deliveries, error });
    void this.deps.deadLetters
      .record({
        stream: stream.key,
        id: candidate.id,
        reason: 'trimmed',
        error: error.message,
        deliveries: candidate.deliveries,
        frame: null,
      })
      .catch(() => undefined);
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

  private wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  /** Ends a blocking read early, so changes to the stream set or shutdown take effect at once. */
  private async interruptRead(): Promise<void> {
    this.wake();
    this.cutPause?.();
    if (this.inRead && this.readerId !== undefined) {
      await this.deps
        .commands()
        .client('UNBLOCK', this.readerId)
        .catch(() => undefined);
    }
  }
}

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
}
