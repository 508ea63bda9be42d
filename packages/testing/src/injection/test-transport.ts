import { randomUUID } from 'node:crypto';
import {
  MemoryTransport,
  type Envelope,
  type MessageHeader,
  type Transport,
  type TransportHealth,
} from '@smart-message/nestjs';
import type {
  EnvelopeHandler,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { TestTransportDisconnectedError } from '../errors/test-transport-disconnected.error';

/** What the harness needs to know about pending work, so `run()` waits for delayed deliveries. */
export interface PendingWork {
  track(): () => void;
}

/** A frame pushed past the publisher: no validation, no encoding, as a hostile or broken sender would. */
export interface RawFrame {
  /** The routing name of the message class it claims to be. */
  messageClass: string;
  /** The payload bytes or text exactly as delivered (e.g. `'{not json'`). */
  payload: string | Uint8Array;
  /** Header fields beside the generated ones (uuid, version 1, `json`, from `smart-message-harness`). */
  header?: Partial<MessageHeader>;
}

/**
 * The memory transport with faults a test turns on: the next publishes dropped, duplicated,
 * delayed or reordered, a disconnected transport refusing publishes, raw frames pushed to the
 * subscribers. What it delivers goes through the real dispatcher: decoding, validation, filters,
 * enhancers and the dead letter path are those of the application.
 */
export class TestTransport implements Transport {
  readonly kind = 'memory';
  private readonly inner = new MemoryTransport();
  private readonly faults: Array<(envelope: Envelope) => Promise<void>> = [];
  private held: Envelope[] = [];
  private holding = 0;
  private disconnected = false;
  /** Per subscription, one "not yet handed to the handler" mark per envelope published to it. */
  private readonly undelivered = new Map<string, Set<Array<() => void>>>();

  constructor(
    /** The configured transport name this test transport serves. */
    readonly name: string,
    private readonly pending: PendingWork,
  ) {}

  publish(envelope: Envelope): Promise<void> {
    if (this.disconnected) return Promise.reject(new TestTransportDisconnectedError(this.name));
    if (this.holding > 0) {
      this.held.push(envelope);
      if (this.held.length === this.holding) this.releaseHeld();
      return Promise.resolve();
    }
    const fault = this.faults.shift();
    if (fault) return fault(envelope);
    return this.deliver(envelope);
  }

  /**
   * Counts each envelope as pending from its publish until its subscription hands it to the
   * handler (the bus counts it in flight from there), so `harness.run()` does not mistake the
   * turn between the two for quiet. Each subscription delivers in order, one mark per envelope.
   */
  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    const marks: Array<() => void> = [];
    let subscriptions = this.undelivered.get(messageClass);
    if (!subscriptions) this.undelivered.set(messageClass, (subscriptions = new Set()));
    subscriptions.add(marks);
    const subscription = await this.inner.subscribe(
      messageClass,
      (envelope, delivery) => {
        marks.shift()?.();
        return handler(envelope, delivery);
      },
      options,
    );
    return {
      ...subscription,
      unsubscribe: async () => {
        await subscription.unsubscribe();
        subscriptions.delete(marks);
        for (const mark of marks.splice(0)) mark();
      },
      abandon:
        subscription.abandon &&
        (() => {
          const abandoned = subscription.abandon!();
          for (const mark of marks.splice(0)) mark();
          return abandoned;
        }),
    };
  }

  /** Hands an envelope to the memory transport, marking it pending for each subscription. */
  private deliver(envelope: Envelope): Promise<void> {
    for (const marks of this.undelivered.get(envelope.header.messageClass) ?? []) marks.push(this.pending.track());
    return this.inner.publish(envelope);
  }

  async health(): Promise<TransportHealth> {
    const inner = await this.inner.health();
    return { up: inner.up && !this.disconnected, details: { ...inner.details, disconnected: this.disconnected } };
  }

  close(): Promise<void> {
    this.faults.length = 0;
    return this.inner.close();
  }

  /** The next `count` publishes are accepted and lost. */
  dropNext(count = 1): this {
    return this.queue(count, () => Promise.resolve());
  }

  /** The next `count` publishes are each delivered twice (the same uuid), as an at-least-once broker may. */
  duplicateNext(count = 1): this {
    return this.queue(count, async (envelope) => {
      await this.deliver(envelope);
      await this.deliver(envelope);
    });
  }

  /** The next `count` publishes reach subscribers `ms` later; `harness.run()` waits for them. */
  delayNext(ms: number, count = 1): this {
    return this.queue(count, (envelope) => {
      const done = this.pending.track();
      setTimeout(() => {
        this.deliver(envelope)
          .finally(done)
          .catch(() => undefined);
      }, ms);
      return Promise.resolve();
    });
  }

  /** The next `count` publishes (at least 2) are held and delivered together, last first. */
  reorderNext(count = 2): this {
    if (!Number.isInteger(count) || count < 2)
      throw new RangeError(`reorderNext needs at least 2 messages, not ${count}`);
    this.holding = count;
    this.held = [];
    return this;
  }

  /** Publishes fail with `TestTransportDisconnectedError` (and health reports down) until `reconnect()`. */
  disconnect(): this {
    this.disconnected = true;
    return this;
  }

  reconnect(): this {
    this.disconnected = false;
    return this;
  }

  get isDisconnected(): boolean {
    return this.disconnected;
  }

  /**
   * Delivers a frame no publisher checked to this transport's subscribers: an undecodable
   * payload lands in the dead letters as `undecodable`, one that fails validation as `invalid`.
   */
  pushFrame(frame: RawFrame): Promise<Envelope> {
    const header: MessageHeader = {
      uuid: randomUUID(),
      messageClass: frame.messageClass,
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: process.pid,
      from: 'smart-message-harness',
      serializer: 'json',
      ...frame.header,
    };
    const envelope: Envelope = { header, payload: frame.payload };
    if (this.disconnected) return Promise.reject(new TestTransportDisconnectedError(this.name));
    return this.deliver(envelope).then(() => envelope);
  }

  private queue(count: number, fault: (envelope: Envelope) => Promise<void>): this {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`count must be a whole number of at least 1, not ${count}`);
    for (let index = 0; index < count; index++) this.faults.push(fault);
    return this;
  }

  private releaseHeld(): void {
    const held = this.held.reverse();
    this.held = [];
    this.holding = 0;
    for (const envelope of held) this.deliver(envelope).catch(() => undefined);
  }
}
