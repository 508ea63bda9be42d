import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Envelope, FrameCodec } from '@smart-message/nestjs';
import {
  DeliveryQueue,
  type EnvelopeHandler,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
  type TransportSubscribeOptions,
} from '@smart-message/nestjs/transport-kit';

/** A core subscription's state, for `status()`. */
export interface CoreSubscriptionStatus {
  subject: string;
  group: string;
  open: boolean;
  running: number;
  queued: number;
  overflowed: number;
}

/**
 * One plain (no queue group) core NATS subscription: every instance gets every message. The
 * client calls back synchronously for each message, so deliveries wait in a `DeliveryQueue`
 * bounded by `maxQueued`: a slow handler sets messages aside as `overflow` instead of growing
 * memory. The client subscribes again by itself after a reconnect, once; nothing of ours is
 * added on reconnect, which is what keeps deliveries from doubling.
 */
export class CoreSubscription {
  readonly queue: DeliveryQueue;
  private subscription?: Subscription;
  private overflowed = 0;
  private stopped = false;

  constructor(
    private readonly subject: string,
    private readonly options: TransportSubscribeOptions,
    handler: EnvelopeHandler,
    maxQueued: number,
    private readonly codec: () => FrameCodec,
    private readonly maxFrameBytes: number,
  ) {
    this.queue = new DeliveryQueue(handler, {
      ...options,
      maxQueued,
      onReject: (rejection) => {
        if (rejection.reason === 'overflow') this.overflowed++;
        options.onReject?.(rejection);
      },
    });
  }

  /** Subscribes and flushes, so messages published after this resolves reach it. */
  async start(nc: NatsConnection): Promise<void> {
    this.subscription = nc.subscribe(this.subject, {
      callback: (error, message) => {
        if (!error) this.receive(message);
      },
    });
    await nc.flush();
  }

  status(): CoreSubscriptionStatus {
    return {
      subject: this.subject,
      group: this.options.group,
      open: this.subscription !== undefined && !this.subscription.isClosed() && !this.stopped,
      running: this.queue.running,
      queued: this.queue.queued,
      overflowed: this.overflowed,
    };
  }

  /** Unsubscribes, then waits for the deliveries already taken. */
  async stop(): Promise<void> {
    this.stopped = true;
    try {
      this.subscription?.unsubscribe();
    } catch {
      // the connection is closed already: so is the subscription
    }
    await this.queue.idle();
  }

  /** Nothing else keeps a copy: each delivery given up on is reported as `shutdown`. */
  abandon(): number {
    return this.queue.abandonWaiting(true);
  }

  private receive(message: Msg): void {
    if (this.stopped) return;
    const data = message.data;
    if (data.length > this.maxFrameBytes) {
      this.options.onReject?.({
        reason: 'undecodable',
        frame: data.subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES),
        attempt: 1,
        error: oversizedFrameError(data.length, this.maxFrameBytes),
      });
      return;
    }
    let envelope: Envelope;
    try {
      envelope = this.codec().decode(data);
    } catch (error) {
      this.options.onReject?.({ reason: 'undecodable', frame: data, attempt: 1, error: error as Error });
      return;
    }
    this.queue.enqueue(envelope, { attempt: 1 });
  }
}
