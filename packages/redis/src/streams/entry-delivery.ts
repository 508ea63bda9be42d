import { Envelope, FrameCodec, MessageLogger } from '@smart-message/nestjs';
import {
  DeliveryInfo,
  FrameRejection,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
} from '@smart-message/nestjs/transport-kit';
import { AckBatcher } from './ack-batcher';
import { ConsumedStream } from './consumed-stream';
import { DeadLetterStream } from './dead-letter-stream';
import { HeldBytes } from './held-bytes';
import { PendingCandidate } from './pending-entries';
import { StreamEntry } from './stream-entry';

export interface EntryDeliveryDependencies {
  codec: FrameCodec;
  logger: MessageLogger;
  deadLetters: DeadLetterStream;
  acks: AckBatcher;
  heldBytes: HeldBytes;
  /** Entries whose frame is larger are set aside as `undecodable` without being parsed. */
  maxFrameBytes: number;
  /** An entry of `stream` was finished, handled or not: there is room again. */
  onSettled(stream: ConsumedStream): void;
}

/**
 * What happens to an entry once it was read or claimed: handed to every local subscription and
 * acknowledged when all of them handled it, or set aside with its reason (recorded in the
 * dead-letter stream first, then acknowledged), so it is never redelivered forever nor lost.
 */
export class EntryDelivery {
  constructor(private readonly deps: EntryDeliveryDependencies) {}

  deliver(stream: ConsumedStream, entry: StreamEntry, attempt: number): void {
    if (entry.frame === null) {
      this.reject(stream, {
        reason: 'trimmed',
        attempt,
        error: new Error(`entry ${entry.id} was trimmed from ${stream.key}`),
      });
      this.deps.acks.add(stream.key, entry.id);
      return;
    }
    const { maxFrameBytes } = this.deps;
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
      if (handled) this.deps.acks.add(stream.key, entry.id);
      stream.held.delete(entry.id);
      this.deps.heldBytes.release(bytes);
      this.deps.onSettled(stream);
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
  setAside(
    stream: ConsumedStream,
    id: string,
    frame: Buffer | null,
    reason: 'undecodable' | 'poison',
    deliveries: number,
    error: Error,
  ): void {
    void this.deps.deadLetters.record({ stream: stream.key, id, reason, error: error.message, deliveries, frame }).then(
      () => {
        this.deps.acks.add(stream.key, id);
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

  /** A pending entry Redis no longer holds (trimmed by `maxLen`): reported and recorded, nothing to deliver. */
  reportTrimmed(stream: ConsumedStream, candidate: PendingCandidate): void {
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

  private reject(stream: ConsumedStream, rejection: FrameRejection): void {
    for (const subscription of stream.subscriptions) subscription.options.onReject?.(rejection);
  }
}
