import type { RedisClient } from '../connection/redis-client';
import type { MessageLogger } from '@smart-message/nestjs';
import { AckBatcher } from './ack-batcher';
import { ConsumedStream, roomOf } from './consumed-stream';
import { EntryDelivery } from './entry-delivery';
import { HeldBytes } from './held-bytes';
import { PendingCandidate, pendingEntries } from './pending-entries';
import { toStreamEntries } from './stream-entry';

export interface PendingReclaimerSettings {
  group: string;
  consumer: string;
  batchSize: number;
  claimIdleMs: number;
  claimIntervalMs: number;
  maxDeliveries: number;
}

export interface PendingReclaimerDependencies {
  streams: ReadonlyMap<string, ConsumedStream>;
  commands: () => RedisClient;
  acks: AckBatcher;
  heldBytes: HeldBytes;
  delivery: EntryDelivery;
  logger: MessageLogger;
  /** Whether the consumer still runs: a claim round starts only then. */
  isRunning(): boolean;
  /** The read loop should look at the stream set again (a stream's own pending entries are all back). */
  interruptRead(): Promise<void>;
  /** What else runs first in each claim round (streams set aside for their key type are looked at again). */
  beforeEachRound(): Promise<void>;
}

/**
 * Takes pending entries back into this consumer: at start, those its own name left pending
 * before a restart; on a timer (`claimIntervalMs`, and once at start), those other (dead or
 * stuck) consumers left idle for `claimIdleMs`, within the room its handlers have. An entry
 * delivered `maxDeliveries` times is set aside as poison instead of claimed again.
 */
export class PendingReclaimer {
  private claimTimer?: NodeJS.Timeout;
  private claiming = false;

  constructor(
    private readonly settings: PendingReclaimerSettings,
    private readonly deps: PendingReclaimerDependencies,
  ) {}

  start(): void {
    this.claimTimer = setInterval(() => void this.claimIdle(), this.settings.claimIntervalMs);
    this.claimTimer.unref();
    void this.claimIdle();
  }

  stop(): void {
    clearInterval(this.claimTimer);
  }

  /** Pending entries of this group on `stream` in `range` (XPENDING's extended form). */
  pendingOf(stream: ConsumedStream, ...range: (string | number)[]): Promise<PendingCandidate[]> {
    return pendingEntries(this.deps.commands(), stream.key, this.settings.group, ...range);
  }

  /**
   * Takes back the entries this consumer name left pending before a restart, batch by batch as
   * room frees, before any new entry of the stream is read. A killed instance can leave more
   * pending than its concurrency (a read in flight, acknowledgements not yet sent): taking one
   * batch only left the rest waiting for claimIdleMs.
   */
  async recoverOwnPending(stream: ConsumedStream): Promise<void> {
    if (stream.recoveringOwn) return;
    stream.recoveringOwn = true;
    try {
      while (
        stream.ownPendingFrom !== undefined &&
        !stream.failure &&
        !stream.leaving &&
        this.deps.streams.get(stream.key) === stream
      ) {
        const room = Math.min(roomOf(stream), this.settings.batchSize, this.deps.heldBytes.entriesThatFit());
        if (room <= 0) return; // resumed when room frees (see the consumer's onSettled and the read loop)
        const own = await this.pendingOf(stream, stream.ownPendingFrom, '+', room, this.settings.consumer);
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
    if (stream.ownPendingFrom === undefined && this.deps.isRunning()) await this.deps.interruptRead();
  }

  /** Claims entries other consumers left idle for claimIdleMs, within this consumer's free room. */
  private async claimIdle(): Promise<void> {
    if (this.claiming || !this.deps.isRunning()) return;
    this.claiming = true;
    try {
      await this.deps.beforeEachRound();
      for (const stream of [...this.deps.streams.values()]) {
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
    const room = Math.min(roomOf(stream), this.settings.batchSize, this.deps.heldBytes.entriesThatFit());
    if (room <= 0) return;
    const idle = await this.pendingOf(stream, 'IDLE', this.settings.claimIdleMs, '-', '+', room);
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

  private async reclaim(stream: ConsumedStream, found: PendingCandidate[], minIdleMs: number): Promise<void> {
    // Not what this instance still handles, nor what it finished and has not acknowledged yet.
    const candidates = found.filter(
      (candidate) => !stream.held.has(candidate.id) && !this.deps.acks.has(stream.key, candidate.id),
    );
    if (candidates.length === 0) return;
    const commands = this.deps.commands();
    const { delivery } = this.deps;
    const poison = candidates.filter((candidate) => candidate.deliveries >= this.settings.maxDeliveries);
    for (const candidate of poison) {
      const [entry] = toStreamEntries(
        await commands.callBuffer('XRANGE', stream.key, candidate.id, candidate.id),
        'XRANGE',
      );
      if (!entry) {
        await commands.xack(stream.key, this.settings.group, candidate.id);
        delivery.reportTrimmed(stream, candidate);
        continue;
      }
      delivery.setAside(
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
      delivery.deliver(stream, entry, deliveries + 1);
    }
    for (const candidate of rest.filter((c) => !claimedIds.has(c.id))) {
      // Not claimed: another consumer took it first, or the entry was trimmed (RedisClient then drops it from the pending list).
      const exists = toStreamEntries(
        await commands.callBuffer('XRANGE', stream.key, candidate.id, candidate.id),
        'XRANGE',
      );
      if (exists.length === 0) delivery.reportTrimmed(stream, candidate);
    }
  }
}
