import { Envelope } from '../interfaces/envelope.interface';
import { DeliveryInfo, EnvelopeHandler, TransportSubscribeOptions } from './transport.interface';
import { ConcurrencyLimiter } from '../util/concurrency-limiter';
import { asError, SETTLED } from '../util/promises';

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
    return new Promise<void>((resolve, reject) => {
      this.add(envelope, delivery, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Queues a delivery nobody waits for (at-most-once transports): saves the promise of `push`.
   * Handler failures are the dispatcher's to report, so they end here.
   */
  enqueue(envelope: Envelope, delivery: DeliveryInfo): void {
    this.add(envelope, delivery, ignoreOutcome);
  }

  /**
   * Whether `ahead` more deliveries, handed over later, would still fit beside those running and
   * waiting now: lets a transport that batches its hand-over refuse at once what would overflow.
   */
  accepts(ahead: number): boolean {
    const { maxQueued } = this.options;
    return maxQueued === undefined || this.limiter.active + this.waiting.size + ahead < this.limiter.limit + maxQueued;
  }

  /** Reports a delivery this queue will never run (`overflow`, or `shutdown` before it was handed over). */
  refuse(reason: 'overflow' | 'shutdown', envelope: Envelope, delivery: DeliveryInfo): Error {
    const error = new Error(
      reason === 'overflow'
        ? `more than ${this.options.maxQueued} messages are waiting for this subscription's handlers`
        : 'the subscription closed before this message was handled',
    );
    this.options.onReject?.({ reason, envelope, attempt: delivery.attempt, error });
    return error;
  }

  private add(envelope: Envelope, delivery: DeliveryInfo, settle: (error?: Error) => void): void {
    if (this.options.maxQueued !== undefined && this.waiting.size >= this.options.maxQueued) {
      settle(this.refuse('overflow', envelope, delivery));
      return;
    }
    const queued: QueuedDelivery = { envelope, delivery, settle };
    this.waiting.add(queued);
    this.limiter.run(() => this.start(queued));
  }

  private start(queued: QueuedDelivery): Promise<void> {
    if (!this.waiting.delete(queued)) return SETTLED; // abandoned before it started
    let handled: Promise<void>;
    try {
      handled = this.handler(queued.envelope, queued.delivery);
    } catch (error) {
      queued.settle(asError(error));
      return SETTLED;
    }
    // Nobody waits for an enqueued delivery: the limiter's own continuation is enough.
    if (queued.settle === ignoreOutcome) return handled;
    return handled.then(
      () => queued.settle(),
      (error: unknown) => queued.settle(asError(error)),
    );
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

function ignoreOutcome(): void {
  // Nobody waits for this delivery; the dispatcher has reported any failure.
}
