import type { Redis } from 'ioredis';
import {
  DeliveryInfo,
  DeliveryQueue,
  Envelope,
  FrameCodec,
  FrameRejection,
  MessageLogger,
  TransportSubscribeOptions,
} from '@smart-message/nestjs';
import { AckBatcher } from './ack-batcher';
import { DeadLetterStream } from './dead-letter-stream';
import { StreamEntry, toStreamEntries } from './stream-entry';

export interface StreamSubscription {
  readonly options: TransportSubscribeOptions;
  readonly queue: DeliveryQueue;
}

interface ConsumedStream {
  readonly key: string;
  readonly subscriptions: Set<StreamSubscription>;
  /** Ids of entries read and not yet finished by every subscription. */
  readonly held: Set<string>;
}

export interface StreamConsumerSettings {
  group: string;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  claimIntervalMs: number;
  maxDeliveries: number;
}

export interface StreamConsumerDependencies {
  reader: Redis;
  commands: () => Redis;
  codec: FrameCodec;
  logger: MessageLogger;
  deadLetters: DeadLetterStream;
  ensureGroup(stream: string, startFrom?: '$' | '0'): Promise<void>;
}

/** What a health check learns about a consumer's read loop. */
export interface StreamConsumerLiveness {
  reading: boolean;
  running: boolean;
  reader: string;
  sinceLastReadMs: number;
  waitingForRoom: boolean;
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

  constructor(
    private readonly settings: StreamConsumerSettings,
    private readonly deps: StreamConsumerDependencies,
  ) {
    this.acks = new AckBatcher(deps.commands, settings.group, 200, (error) =>
      this.deps.logger.warn('Acknowledging stream entries failed; they stay pending and will be delivered again', {
        error: error.message,
        group: settings.group,
      }),
    );
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
    const base = { running: this.running, reader, sinceLastReadMs, waitingForRoom: this.waitingForRoom };
    if (!this.running || this.streams.size === 0) return { ...base, reading: true };
    if (reader !== 'ready') return { ...base, reading: false, reason: `reader connection is ${reader}` };
    if (this.waitingForRoom) return { ...base, reading: true };
    if (sinceLastReadMs > this.settings.blockMs + marginMs)
      return { ...base, reading: false, reason: `no read came back for ${sinceLastReadMs} ms` };
    return { ...base, reading: true };
  }

  /** Entries read and not finished, over all streams. */
  get inFlight(): number {
    let total = 0;
    for (const stream of this.streams.values()) total += stream.held.size;
    return total;
  }

  async add(key: string, subscription: StreamSubscription, startFrom: '$' | '0'): Promise<void> {
    await this.deps.ensureGroup(key, startFrom);
    let stream = this.streams.get(key);
    const isNew = !stream;
    if (!stream) {
      stream = { key, subscriptions: new Set(), held: new Set() };
      this.streams.set(key, stream);
    }
    stream.subscriptions.add(subscription);
    if (isNew) await this.recoverOwnPending(stream);
    if (!this.running) this.start();
    else await this.interruptRead();
  }

  async remove(key: string, subscription: StreamSubscription): Promise<void> {
    const stream = this.streams.get(key);
    if (!stream) return;
    stream.subscriptions.delete(subscription);
    const last = stream.subscriptions.size === 0;
    if (last) this.streams.delete(key);
    await this.interruptRead();
    await subscription.queue.idle();
    await this.acks.flush();
    if (last) await this.leaveGroupIfDone(stream);
  }

  /** Stops reading, lets in-flight entries finish and acknowledges them; the rest stays pending. */
  async close(): Promise<void> {
    this.running = false;
    clearInterval(this.claimTimer);
    await this.interruptRead();
    await this.loopDone;
    const subscriptions = [...this.streams.values()].flatMap((stream) => [...stream.subscriptions]);
    await Promise.all(subscriptions.map((subscription) => subscription.queue.idle()));
    await this.acks.flush();
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

  private async readLoop(): Promise<void> {
    const { reader } = this.deps;
    const { group, consumer, batchSize, blockMs } = this.settings;
    while (this.running) {
      const ready = [...this.streams.values()].filter((stream) => this.free(stream) > 0);
      if (ready.length === 0) {
        this.waitingForRoom = true;
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        this.waitingForRoom = false;
        // Waiting for room is not a stalled read: the clock starts again from here.
        this.lastReadAt = Date.now();
        continue;
      }
      const count = Math.min(batchSize, ...ready.map((stream) => this.free(stream)));
      const keys = ready.map((stream) => stream.key);
      let reply: unknown;
      try {
        if (this.readerIdStale) {
          this.readerId = (await reader.client('ID')) as number;
          this.readerIdStale = false;
        }
        if (!this.running) break;
        this.inRead = true;
        reply = await reader.callBuffer(
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
      } catch (error) {
        this.inRead = false;
        if (!this.running) break;
        await this.recoverFromReadError(error as Error, keys);
        continue;
      } finally {
        this.inRead = false;
      }
      if (!Array.isArray(reply)) continue;
      for (const [rawKey, rawEntries] of reply as [Buffer, unknown][]) {
        const stream = this.streams.get(rawKey.toString());
        if (!stream) continue;
        for (const entry of toStreamEntries(rawEntries)) this.deliver(stream, entry, 1);
      }
    }
  }

  private async recoverFromReadError(error: Error, keys: string[]): Promise<void> {
    this.failures++;
    if (/NOGROUP/.test(error.message)) {
      // Redis lost the group (restarted without persistence): recreate it and read what arrived since.
      this.deps.logger.warn('Consumer group missing; recreating it', { group: this.settings.group, streams: keys });
      await Promise.all(keys.map((key) => this.deps.ensureGroup(key, '0').catch(() => undefined)));
    } else if (this.failures === 1) {
      this.deps.logger.warn('Reading streams failed; retrying until Redis answers', { error: error.message });
    }
    await sleep(Math.min(1000, 50 * 2 ** Math.min(this.failures, 5)));
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
    let envelope: Envelope;
    try {
      envelope = this.deps.codec.decode(entry.frame);
    } catch (error) {
      this.setAside(stream, entry.id, entry.frame, 'undecodable', attempt, error as Error);
      return;
    }
    stream.held.add(entry.id);
    const delivery: DeliveryInfo = { attempt, redelivers: true };
    // Acknowledged only when every local subscription handled it; otherwise it stays pending
    // and is delivered again once it has been idle for claimIdleMs.
    const settle = (handled: boolean): void => {
      if (handled) this.acks.add(stream.key, entry.id);
      stream.held.delete(entry.id);
      this.wake();
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
  private async recoverOwnPending(stream: ConsumedStream): Promise<void> {
    const room = Math.min(this.free(stream), this.settings.batchSize);
    if (room <= 0) return;
    try {
      const own = await this.pendingEntries(stream, '-', '+', room, this.settings.consumer);
      await this.reclaim(stream, own, 0);
    } catch (error) {
      this.deps.logger.warn('Could not look at own pending entries; the claim timer will', {
        error: (error as Error).message,
      });
    }
  }

  /** Claims entries other consumers left idle for claimIdleMs, within this consumer's free room. */
  private async claimIdle(): Promise<void> {
    if (this.claiming || !this.running) return;
    this.claiming = true;
    try {
      for (const stream of [...this.streams.values()]) {
        await this.keepHeldEntries(stream);
        const room = Math.min(this.free(stream), this.settings.batchSize);
        if (room <= 0) continue;
        const idle = await this.pendingEntries(stream, 'IDLE', this.settings.claimIdleMs, '-', '+', room);
        await this.reclaim(stream, idle, this.settings.claimIdleMs);
      }
    } catch (error) {
      this.deps.logger.warn('Claiming idle entries failed; trying again later', { error: (error as Error).message });
    } finally {
      this.claiming = false;
    }
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
    const rows = (await this.deps.commands().call('XPENDING', stream.key, this.settings.group, ...range)) as [
      string,
      string,
      number,
      number,
    ][];
    return rows.map(([id, , , deliveries]) => ({ id, deliveries }));
  }

  private async reclaim(stream: ConsumedStream, found: PendingCandidate[], minIdleMs: number): Promise<void> {
    const candidates = found.filter((candidate) => !stream.held.has(candidate.id));
    if (candidates.length === 0) return;
    const commands = this.deps.commands();
    const poison = candidates.filter((candidate) => candidate.deliveries >= this.settings.maxDeliveries);
    for (const candidate of poison) {
      const [entry] = toStreamEntries(await commands.callBuffer('XRANGE', stream.key, candidate.id, candidate.id));
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
    );
    const claimedIds = new Set(claimed.map((entry) => entry.id));
    for (const entry of claimed) {
      const deliveries = rest.find((candidate) => candidate.id === entry.id)?.deliveries ?? 1;
      this.deliver(stream, entry, deliveries + 1);
    }
    for (const candidate of rest.filter((c) => !claimedIds.has(c.id))) {
      // Not claimed: another consumer took it first, or the entry was trimmed (Redis then drops it from the pending list).
      const exists = toStreamEntries(await commands.callBuffer('XRANGE', stream.key, candidate.id, candidate.id));
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

  private wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  /** Ends a blocking read early, so changes to the stream set or shutdown take effect at once. */
  private async interruptRead(): Promise<void> {
    this.wake();
    if (this.inRead && this.readerId !== undefined) {
      await this.deps
        .commands()
        .client('UNBLOCK', this.readerId)
        .catch(() => undefined);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
