import { AsyncResource } from 'node:async_hooks';
import { Envelope } from '../interfaces/envelope.interface';
import { DeliveryInfo } from './transport.interface';
import { DeliveryQueue } from './delivery-queue';

interface DueGroup {
  /** Carries the publisher's async context (AsyncLocalStorage: request ids, trace context) to the next turn. */
  readonly scope: AsyncResource;
  readonly envelope: Envelope;
  /** The subscriptions of the moment of publishing; one may be taken back before the hand-over. */
  readonly queues: DeliveryQueue[];
}

const FIRST_DELIVERY: DeliveryInfo = Object.freeze({ attempt: 1 });

/**
 * Deliveries published in this turn of the event loop, handed to their subscriptions' queues on
 * the next one in one go: handlers never start inside `publish()`, and a burst costs one timer,
 * not one per message. Each delivery starts in the async context of its own publisher, as if
 * the publisher had scheduled it. (`AsyncLocalStorage.run` changes the context without a new
 * async resource, so the context cannot be told apart cheaply: every publish gets its scope.)
 */
export class DueDeliveries {
  private groups: DueGroup[] = [];
  private readonly counts = new Map<DeliveryQueue, number>();
  private scheduled = false;
  private handOverWaiters: (() => void)[] = [];

  /** `countPerQueue`: keep `countFor()` answers (a bounded transport needs them; others save the work). */
  constructor(private readonly countPerQueue = true) {}

  /** Adds the deliveries of one publish, in the publisher's async context. */
  add(envelope: Envelope, queues: Iterable<DeliveryQueue>): void {
    const snapshot: DeliveryQueue[] = [];
    for (const queue of queues) {
      snapshot.push(queue);
      if (this.countPerQueue) this.counts.set(queue, (this.counts.get(queue) ?? 0) + 1);
    }
    this.groups.push({ scope: new AsyncResource('SmartMessageMemoryDelivery'), envelope, queues: snapshot });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.handOver);
    }
  }

  /** Deliveries due for `queue` that it has not been handed yet. */
  countFor(queue: DeliveryQueue): number {
    return this.counts.get(queue) ?? 0;
  }

  /** Takes back the envelopes due for `queue`, which will not be handed to it. */
  take(queue: DeliveryQueue): Envelope[] {
    const taken: Envelope[] = [];
    if (this.countPerQueue && !this.counts.delete(queue)) return taken;
    for (const group of this.groups) {
      const at = group.queues.indexOf(queue);
      if (at < 0) continue;
      group.queues.splice(at, 1);
      taken.push(group.envelope);
    }
    return taken;
  }

  /** Resolves once everything due now has been handed to its queue; at once when nothing is due. */
  handedOver(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.handOverWaiters.push(resolve));
  }

  private readonly handOver = (): void => {
    this.scheduled = false;
    const groups = this.groups;
    this.groups = [];
    this.counts.clear();
    for (const group of groups) {
      group.scope.runInAsyncScope(enqueueAll, null, group);
      group.scope.emitDestroy();
    }
    const waiters = this.handOverWaiters;
    this.handOverWaiters = [];
    for (const resolve of waiters) resolve();
  };
}

function enqueueAll(group: DueGroup): void {
  for (const queue of group.queues) queue.enqueue(group.envelope, FIRST_DELIVERY);
}
