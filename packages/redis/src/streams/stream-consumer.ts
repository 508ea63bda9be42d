import type { RedisClient } from '../connection/redis-client';
import { FrameCodec, MessageLogger } from '@smart-message/nestjs';
import { DEFAULT_MAX_FRAME_BYTES } from '@smart-message/nestjs/transport-kit';
import { StreamKeyTypeError } from '../errors/stream-key-type.error';
import { AckBatcher } from './ack-batcher';
import { ConsumedStream, StreamSubscription } from './consumed-stream';
import { DeadLetterStream } from './dead-letter-stream';
import { EntryDelivery } from './entry-delivery';
import { HeldBytes } from './held-bytes';
import { PendingReclaimer } from './pending-reclaimer';
import { StreamConsumerLiveness, StreamReadLoop } from './stream-read-loop';
import { isWrongType, StreamKeyTypes } from './stream-key-types';

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
  reader: RedisClient;
  commands: () => RedisClient;
  codec: FrameCodec;
  logger: MessageLogger;
  deadLetters: DeadLetterStream;
  /** The byte budget for entries held, shared by the transport's consumer groups. */
  heldBytes: HeldBytes;
  ensureGroup(stream: string, startFrom?: '$' | '0'): Promise<void>;
}

/**
 * One consumer of one consumer group: the streams this instance subscribes to, with their local
 * subscriptions, and its parts. The read loop reads new entries within the handlers' room; the
 * reclaimer takes back pending entries (its own after a restart, other consumers' left idle);
 * both hand entries to the delivery, which acknowledges an entry once every local subscription
 * handled it.
 */
export class StreamConsumer {
  private readonly streams = new Map<string, ConsumedStream>();
  private readonly acks: AckBatcher;
  private readonly keyTypes: StreamKeyTypes;
  private readonly loop: StreamReadLoop;
  private readonly reclaimer: PendingReclaimer;

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
        this.loop.wake();
      },
    });
    const recoverOwnPending = (stream: ConsumedStream): Promise<void> => this.reclaimer.recoverOwnPending(stream);
    const interruptRead = (): Promise<void> => this.loop.interrupt();
    const delivery = new EntryDelivery({
      codec: deps.codec,
      logger: deps.logger,
      deadLetters: deps.deadLetters,
      acks: this.acks,
      heldBytes: deps.heldBytes,
      maxFrameBytes: settings.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      onSettled: (stream) => {
        this.loop.wake();
        if (stream.ownPendingFrom !== undefined) void recoverOwnPending(stream);
      },
    });
    this.keyTypes = new StreamKeyTypes({
      group: settings.group,
      streams: this.streams,
      commands: deps.commands,
      logger: deps.logger,
      ensureGroup: deps.ensureGroup,
      recoverOwnPending,
      interruptRead,
    });
    this.loop = new StreamReadLoop(settings, {
      reader: deps.reader,
      commands: deps.commands,
      streams: this.streams,
      acks: this.acks,
      heldBytes: deps.heldBytes,
      delivery,
      keyTypes: this.keyTypes,
      logger: deps.logger,
      ensureGroup: deps.ensureGroup,
      recoverOwnPending,
    });
    this.reclaimer = new PendingReclaimer(settings, {
      streams: this.streams,
      commands: deps.commands,
      acks: this.acks,
      heldBytes: deps.heldBytes,
      delivery,
      logger: deps.logger,
      isRunning: () => this.loop.isRunning,
      interruptRead,
      beforeEachRound: () => this.keyTypes.retry(),
    });
  }

  get isRunning(): boolean {
    return this.loop.isRunning;
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
    return this.loop.liveness(marginMs);
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
      failure = await this.keyTypes.failureOf(key);
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
      if (failure) this.keyTypes.setAside(stream, failure);
    }
    stream.subscriptions.add(subscription);
    if (isNew) await this.reclaimer.recoverOwnPending(stream);
    if (!this.loop.isRunning) this.start();
    else await this.loop.interrupt();
  }

  async remove(key: string, subscription: StreamSubscription): Promise<void> {
    const stream = this.streams.get(key);
    if (!stream) return;
    const last = stream.subscriptions.size === 1 && stream.subscriptions.has(subscription);
    if (last) {
      // A read in flight may bring entries of this stream: they are delivered to this
      // subscription and acknowledged before it leaves, not left pending under its name.
      stream.leaving = true;
      await this.loop.interrupt();
      await this.loop.currentRead;
      this.streams.delete(key);
    }
    stream.subscriptions.delete(subscription);
    await this.loop.interrupt();
    await subscription.queue.idle();
    await this.acks.flush();
    if (last) await this.leaveGroupIfDone(stream);
  }

  /** Stops reading, lets in-flight entries finish and acknowledges them; the rest stays pending. */
  async close(): Promise<void> {
    this.reclaimer.stop();
    await this.loop.stop();
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
      const own = await this.reclaimer.pendingOf(stream, '-', '+', 1, this.settings.consumer);
      if (own.length > 0) return;
      await this.deps.commands().xgroup('DELCONSUMER', stream.key, this.settings.group, this.settings.consumer);
    } catch {
      // Best effort: a consumer left behind only shows in XINFO.
    }
  }

  private start(): void {
    this.loop.start();
    this.reclaimer.start();
  }
}
