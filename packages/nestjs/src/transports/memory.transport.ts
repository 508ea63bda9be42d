import { TransportClosedError } from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import {
  EnvelopeHandler,
  Transport,
  TransportSubscribeOptions,
  TransportSubscription,
} from '../interfaces/transport.interface';
import { ConcurrencyLimiter } from '../util/concurrency-limiter';

export interface MemoryTransportOptions {
  /**
   * Keep the last N published envelopes for inspection in tests (`published()`); 0 keeps none.
   * The original's memory transport kept 1000.
   */
  retain?: number;
}

interface MemorySubscription {
  readonly handler: EnvelopeHandler;
  readonly limiter: ConcurrencyLimiter;
}

/**
 * In-process transport. Envelopes are delivered asynchronously (publish resolves before any
 * handler runs, as in the original) and as encoded payloads, so receivers decode exactly what
 * a networked transport would hand them.
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  private readonly subscriptions = new Map<string, Set<MemorySubscription>>();
  private readonly retained: Envelope[] = [];
  private readonly retain: number;
  private closed = false;

  constructor(options: MemoryTransportOptions = {}) {
    this.retain = options.retain ?? 0;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.kind);
    if (this.retain > 0) {
      this.retained.push(envelope);
      if (this.retained.length > this.retain) this.retained.shift();
    }
    const subscribers = this.subscriptions.get(envelope.header.messageClass);
    if (!subscribers) return;
    for (const subscription of subscribers) {
      subscription.limiter.run(() => subscription.handler(envelope, FIRST_DELIVERY));
    }
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const subscription: MemorySubscription = {
      handler: guard(handler),
      limiter: new ConcurrencyLimiter(options.concurrency),
    };
    let set = this.subscriptions.get(messageClass);
    if (!set) {
      set = new Set();
      this.subscriptions.set(messageClass, set);
    }
    set.add(subscription);
    return {
      unsubscribe: async () => {
        // Envelopes already handed to this subscription were accepted: let them finish.
        set.delete(subscription);
        if (set.size === 0 && this.subscriptions.get(messageClass) === set) this.subscriptions.delete(messageClass);
        await subscription.limiter.idle();
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

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.subscriptions.values()].flatMap((set) => [...set]);
    this.subscriptions.clear();
    await Promise.all(all.map((subscription) => subscription.limiter.idle()));
  }
}

const FIRST_DELIVERY = Object.freeze({ attempt: 1 });

/** A handler that rejects must not stall its subscription's queue. */
function guard(handler: EnvelopeHandler): EnvelopeHandler {
  return async (envelope, delivery) => {
    try {
      await handler(envelope, delivery);
    } catch {
      // The dispatcher reports handler failures itself; a transport only keeps delivering.
    }
  };
}
