import { Envelope } from '../interfaces/envelope.interface';
import { DeliveryInfo, EnvelopeHandler, TransportSubscribeOptions } from '../interfaces/transport.interface';
import { ConcurrencyLimiter } from '../util/concurrency-limiter';

interface QueuedDelivery {
  readonly envelope: Envelope;
  readonly delivery: DeliveryInfo;
  settle(error?: Error): void;
}

export interface DeliveryQueueOptions extends TransportSubscribeOptions {
  /** Deliveries allowed to wait beyond the running ones; more are set aside as `overflow`. Default: no bound. */
  maxQueued?: number;
}

/**
 * A subscription's local queue, for transport authors: runs the handler within the
 * subscription's concurrency, in arrival order, keeps a throwing handler from stalling it, and
 * knows which deliveries have not started, so a shutdown can report them instead of losing them.
 */
export class DeliveryQueue {
  private readonly limiter: ConcurrencyLimiter;
  private readonly waiting = new Set<QueuedDelivery>();

  constructor(
    private readonly handler: EnvelopeHandler,
    private readonly options: DeliveryQueueOptions,
  ) {
    this.limiter = new ConcurrencyLimiter(options.concurrency);
  }

  get running(): number {
    return this.limiter.active;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** Settles when the handler finished with the envelope; rejects when it failed or the delivery was abandoned. */
  push(envelope: Envelope, delivery: DeliveryInfo): Promise<void> {
    if (this.options.maxQueued !== undefined && this.waiting.size >= this.options.maxQueued) {
      const error = new Error(
        `more than ${this.options.maxQueued} messages are waiting for this subscription's handlers`,
      );
      this.options.onReject?.({ reason: 'overflow', envelope, attempt: delivery.attempt, error });
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const queued: QueuedDelivery = {
        envelope,
        delivery,
        settle: (error) => (error ? reject(error) : resolve()),
      };
      this.waiting.add(queued);
      this.limiter.run(async () => {
        if (!this.waiting.delete(queued)) return; // abandoned before it started
        try {
          await this.handler(envelope, delivery);
          queued.settle();
        } catch (error) {
          queued.settle(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  }

  /** Resolves once nothing runs or waits. */
  idle(): Promise<void> {
    return this.limiter.idle();
  }

  /**
   * Drops deliveries that have not started (their promises reject). With `report`, each is
   * told to `onReject` as `shutdown`: for transports where nothing else keeps the message.
   */
  abandonWaiting(report: boolean): number {
    const abandoned = [...this.waiting];
    this.waiting.clear();
    for (const queued of abandoned) {
      const error = new Error('the subscription closed before this message was handled');
      if (report)
        this.options.onReject?.({
          reason: 'shutdown',
          envelope: queued.envelope,
          attempt: queued.delivery.attempt,
          error,
        });
      queued.settle(error);
    }
    return abandoned.length;
  }
}
