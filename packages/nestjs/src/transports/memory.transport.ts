import { setImmediate as nextTurn } from 'node:timers/promises';
import { TransportClosedError } from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import {
  EnvelopeHandler,
  Transport,
  TransportHealth,
  TransportSubscribeOptions,
  TransportSubscription,
} from '../interfaces/transport.interface';
import { DeliveryQueue } from './delivery-queue';

export interface MemoryTransportOptions {
  /**
   * Keep the last N published envelopes for inspection in tests (`published()`); 0 keeps none.
   * The original's memory transport kept 1000.
   */
  retain?: number;
}

const FIRST_DELIVERY = Object.freeze({ attempt: 1 });

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
  private closed = false;
  private turn?: Promise<void>;

  constructor(options: MemoryTransportOptions = {}) {
    this.retain = options.retain ?? 0;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.kind);
    if (this.retain > 0) {
      this.retained.push(envelope);
      if (this.retained.length > this.retain) this.retained.shift();
    }
    const queues = this.subscriptions.get(envelope.header.messageClass);
    if (!queues) return;
    for (const queue of queues) queue.push(envelope, FIRST_DELIVERY).catch(ignore);
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    // Handlers start on a later turn of the event loop, never inside `publish()`; one turn is
    // shared by every envelope published in the same turn.
    const queue = new DeliveryQueue(async (envelope, delivery) => {
      await this.nextTurn();
      await handler(envelope, delivery);
    }, options);
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
        await queue.idle();
      },
      // Nothing else holds a copy of a waiting envelope, so each one abandoned is reported.
      abandon: () => queue.abandonWaiting(true),
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
    await Promise.all(queues.map((queue) => queue.idle()));
  }

  private nextTurn(): Promise<void> {
    this.turn ??= nextTurn().then(() => {
      this.turn = undefined;
    });
    return this.turn;
  }
}

function ignore(): void {
  // The dispatcher reports handler failures; the memory transport has no redelivery.
}
