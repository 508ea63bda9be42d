import { TransportClosedError } from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import {
  DeliveryInfo,
  EnvelopeHandler,
  Transport,
  TransportHealth,
  TransportSubscribeOptions,
  TransportSubscription,
} from './transport.interface';
import { DeliveryQueue } from './delivery-queue';
import { DueDeliveries } from './due-deliveries';
import { SETTLED } from '../util/promises';

export interface MemoryTransportOptions {
  /**
   * Keep the last N published envelopes for inspection in tests (`published()`); 0 keeps none.
   * The original's memory transport kept 1000.
   */
  retain?: number;
  /**
   * Deliveries allowed to wait for a subscription's handlers beyond the running ones. Past it a
   * message is reported as undeliverable with reason `overflow` (the dead letter queue keeps it)
   * instead of memory growing with every message published faster than it is handled (about
   * 2 KB each). Default: no bound, as in the original.
   */
  maxQueuedDeliveries?: number;
}

const FIRST_DELIVERY: DeliveryInfo = Object.freeze({ attempt: 1 });

/**
 * In-process transport. Envelopes are delivered asynchronously (publish resolves before any
 * handler runs, as in the original) and as encoded payloads, so receivers decode exactly what
 * a networked transport would hand them.
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  private readonly subscriptions = new Map<string, Set<DeliveryQueue>>();
  private readonly retained: Envelope[] = [];
  private readonly retain: number;
  private readonly maxQueued?: number;
  private closed = false;
  private readonly due: DueDeliveries;

  constructor(options: MemoryTransportOptions = {}) {
    this.retain = options.retain ?? 0;
    this.maxQueued = options.maxQueuedDeliveries;
    // Counting what is due per queue only serves the bound.
    this.due = new DueDeliveries(this.maxQueued !== undefined);
  }

  publish(envelope: Envelope): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(this.kind));
    if (this.retain > 0) {
      this.retained.push(envelope);
      if (this.retained.length > this.retain) this.retained.shift();
    }
    const queues = this.subscriptions.get(envelope.header.messageClass);
    if (!queues) return SETTLED;
    // The subscriptions are those of the moment of publishing, even if one ends before the next turn.
    if (this.maxQueued === undefined) {
      this.due.add(envelope, queues);
      return SETTLED;
    }
    // Refused now, not on the next turn, so a burst cannot pile up beyond the bound meanwhile.
    const accepting = [...queues].filter((queue) => {
      if (queue.accepts(this.due.countFor(queue))) return true;
      queue.refuse('overflow', envelope, FIRST_DELIVERY);
      return false;
    });
    if (accepting.length > 0) this.due.add(envelope, accepting);
    return SETTLED;
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const queue = new DeliveryQueue(
      handler,
      this.maxQueued === undefined ? options : { ...options, maxQueued: this.maxQueued },
    );
    let set = this.subscriptions.get(messageClass);
    if (!set) {
      set = new Set();
      this.subscriptions.set(messageClass, set);
    }
    set.add(queue);
    return {
      unsubscribe: async () => {
        // Envelopes already handed to this subscription were accepted: let them finish.
        set.delete(queue);
        if (set.size === 0 && this.subscriptions.get(messageClass) === set) this.subscriptions.delete(messageClass);
        await this.due.handedOver();
        await queue.idle();
      },
      // Nothing else holds a copy of a waiting envelope, so each one abandoned is reported.
      abandon: () => {
        const undelivered = this.due.take(queue);
        for (const envelope of undelivered) queue.refuse('shutdown', envelope, FIRST_DELIVERY);
        return undelivered.length + queue.abandonWaiting(true);
      },
    };
  }

  /** Envelopes published so far, oldest first (only with `retain`). */
  published(): readonly Envelope[] {
    return [...this.retained];
  }

  clearPublished(): void {
    this.retained.length = 0;
  }

  /** In process: nothing to reach, so up until closed. */
  async health(): Promise<TransportHealth> {
    return { up: !this.closed, details: { closed: this.closed, messageClasses: this.subscriptions.size } };
  }

  /** Stops taking envelopes and resolves once every accepted delivery has ended. */
  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.subscriptions.values()].flatMap((set) => [...set]);
    this.subscriptions.clear();
    await this.due.handedOver();
    await Promise.all(queues.map((queue) => queue.idle()));
  }
}
