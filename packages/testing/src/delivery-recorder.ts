import { Envelope } from '@smart-message/nestjs';
import { DeliveryInfo, EnvelopeHandler } from '@smart-message/nestjs/transport-kit';
import { isFlushEnvelope, sequenceOf } from './conformance-envelopes';

/** What a test's handler does with a delivery: nothing, wait at a gate, throw, reject. */
export type DeliveryReaction = (envelope: Envelope, delivery: DeliveryInfo) => void | Promise<void>;

export interface RecordedDelivery {
  readonly envelope: Envelope;
  readonly attempt: number;
}

/**
 * The handler side of one subscription: records every delivery (flush markers apart) and how many
 * handler calls were in flight at once, then lets the test's reaction decide how the call ends.
 */
export class DeliveryRecorder {
  /** Deliveries of the test's own messages, in the order the handler was called. */
  readonly deliveries: RecordedDelivery[] = [];
  private readonly flushesSeen = new Set<string>();
  private running = 0;
  private highestRunning = 0;

  constructor(private readonly reaction: DeliveryReaction = () => undefined) {}

  /**
   * Not `async`: a reaction that throws synchronously must reach the transport as a synchronous
   * throw, since a real handler may fail that way too.
   */
  readonly handler: EnvelopeHandler = (envelope, delivery) => {
    this.running++;
    this.highestRunning = Math.max(this.highestRunning, this.running);
    if (isFlushEnvelope(envelope)) {
      this.flushesSeen.add(envelope.header.uuid);
      this.finish();
      return Promise.resolve();
    }
    this.deliveries.push({ envelope, attempt: delivery.attempt });
    let outcome: Promise<void>;
    try {
      outcome = Promise.resolve(this.reaction(envelope, delivery));
    } catch (error) {
      this.finish();
      throw error;
    }
    return outcome.finally(() => this.finish());
  };

  /** Handler calls begun and not yet ended. */
  get inFlight(): number {
    return this.running;
  }

  get maxInFlight(): number {
    return this.highestRunning;
  }

  hasReceivedAll(envelopes: readonly Envelope[]): boolean {
    const received = new Set(this.deliveries.map((delivery) => delivery.envelope.header.uuid));
    return envelopes.every((envelope) => received.has(envelope.header.uuid));
  }

  /** How many of `envelopes` arrived at least once, for failure messages. */
  countReceived(envelopes: readonly Envelope[]): number {
    const received = new Set(this.deliveries.map((delivery) => delivery.envelope.header.uuid));
    return envelopes.filter((envelope) => received.has(envelope.header.uuid)).length;
  }

  sawFlush(uuid: string): boolean {
    return this.flushesSeen.has(uuid);
  }

  /** Sequence numbers of the deliveries, in delivery order. */
  sequences(): number[] {
    return this.deliveries.map((delivery) => sequenceOf(delivery.envelope));
  }

  private finish(): void {
    this.running--;
  }
}
