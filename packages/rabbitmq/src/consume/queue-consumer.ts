import type { Channel, ConsumeMessage } from 'amqplib';
import type { Envelope, FrameCodec, MessageLogger } from '@smart-message/nestjs';
import {
  backoffDelay,
  type Backoff,
  DeliveryQueue,
  type EnvelopeHandler,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
  type TransportSubscribeOptions,
} from '@smart-message/nestjs/transport-kit';
import { ManagedConnection } from '../connection/managed-connection';
import { RabbitMqTopologyError } from '../errors/rabbitmq-topology.error';

/** What a consumer declares and consumes; the transport's `Topology` fills it in. */
export interface ConsumedQueue {
  readonly messageClass: string;
  /** The queue's name, or how status shows a server-named one before it is declared. */
  readonly queue: string;
  readonly routingKey: string;
  /**
   * Durable (`true`): a failed handler rejects the delivery with requeue, the broker counts it,
   * and the last allowed failure is `poison`. At-most-once (`false`): every delivery is its
   * first (`attempt` 1, no `redelivers`), so the dispatcher treats a failure as final, and the
   * delivery is acknowledged whatever the outcome.
   */
  readonly redelivers: boolean;
  /**
   * Declares exchanges, the queue (and a dead letter queue) and the bindings on `channel`, and
   * returns the name of the queue to consume: a server-named queue gets a new one each time.
   */
  declare(channel: Channel): Promise<string>;
}

/** A consumer's state, for `health()`. */
export interface QueueConsumerStatus {
  group: string;
  messageClass: string;
  queue: string;
  /** A channel is open and the broker registered the consumer on it. */
  consuming: boolean;
  /** Channels opened again after a close, a cancel or a connection loss. */
  restores: number;
  running: number;
  queued: number;
  lastError?: string;
}

const FIRST_DELIVERY = Object.freeze({ attempt: 1 });

/** The broker's count of earlier deliveries (quorum queues' `x-delivery-count`, absent on the first) plus one. */
function attemptOf(message: ConsumeMessage): number {
  const deliveryCount = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
  return (Number.isFinite(deliveryCount) ? deliveryCount : 0) + 1;
}

/**
 * One subscription: a channel of its own on the consumer connection with `prefetch =
 * concurrency`, a consumer on its queue, and a `DeliveryQueue` for the handler calls.
 * amqplib recovers nothing on a channel: whenever the channel closes (a connection loss, a
 * channel error such as an unknown delivery tag, a consumer timeout) or the broker cancels the
 * consumer (queue deleted), this opens a new channel, declares again and consumes again, once,
 * with backoff, until it works or the subscription ends. A delivery is acknowledged only on the
 * channel that delivered it; after that channel closed the broker has requeued it already.
 */
export class QueueConsumer {
  readonly queue: DeliveryQueue;
  private channel?: Channel;
  private consumerTag?: string;
  /** The queue consumed now: the target's, or the name the broker gave the last declare. */
  private currentQueue: string;
  private restoring?: Promise<void>;
  private stopped = false;
  private restores = 0;
  private lastError?: string;

  constructor(
    private readonly connection: ManagedConnection,
    private readonly target: ConsumedQueue,
    private readonly options: TransportSubscribeOptions,
    handler: EnvelopeHandler,
    private readonly codec: () => FrameCodec,
    private readonly maxFrameBytes: number,
    private readonly maxDeliveries: number,
    private readonly backoff: Backoff,
    private readonly logger: MessageLogger,
  ) {
    this.queue = new DeliveryQueue(handler, options);
    this.currentQueue = target.queue;
  }

  /** The queue this consumer consumes now (a server-named queue changes with each restore). */
  get queueName(): string {
    return this.currentQueue;
  }

  /** Declares and consumes; resolves once the broker registered the consumer. */
  async start(): Promise<void> {
    try {
      await this.open();
    } catch (error) {
      this.stopped = true;
      throw new RabbitMqTopologyError(this.target.queue, { cause: error });
    }
  }

  status(): QueueConsumerStatus {
    return {
      group: this.options.group,
      messageClass: this.target.messageClass,
      queue: this.currentQueue,
      consuming: this.channel !== undefined && this.consumerTag !== undefined,
      restores: this.restores,
      running: this.queue.running,
      queued: this.queue.queued,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Cancels the consumer, waits for the handler calls it started, then closes the channel. */
  async stop(): Promise<void> {
    this.stopped = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await this.queue.idle();
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  /**
   * Gives up deliveries not started. Durable: they stay unacknowledged with the broker, for
   * another consumer. At-most-once: the broker's copy goes with the exclusive queue, so each is
   * reported as `shutdown`.
   */
  abandon(): number {
    return this.queue.abandonWaiting(!this.target.redelivers);
  }

  private async open(): Promise<void> {
    const model = await this.connection.whenReady();
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => {
      this.lastError = error.message;
      this.logger.warn(`RabbitMQ closed the channel of queue ${this.currentQueue}`, { error: error.message });
    });
    channel.once('close', () => this.lost(channel));
    try {
      const queue = await this.target.declare(channel);
      this.currentQueue = queue;
      // Per consumer, not global: quorum queues refuse global QoS.
      await channel.prefetch(this.options.concurrency, false);
      this.channel = channel;
      const { consumerTag } = await channel.consume(queue, (message) => this.receive(channel, message), {
        noAck: false,
      });
      if (this.channel !== channel) return; // closed while consuming started; lost() restores
      this.consumerTag = consumerTag;
      if (this.stopped) {
        // Unsubscribed while this restore was on its way: no consumer may outlive stop().
        this.channel = undefined;
        this.consumerTag = undefined;
        await channel.close().catch(() => undefined);
      }
    } catch (error) {
      if (this.channel === channel) this.channel = undefined;
      await channel.close().catch(() => undefined);
      throw error;
    }
  }

  /** The channel closed (or was given up): start one restore unless stopped or one runs. */
  private lost(channel: Channel): void {
    if (this.channel === channel) {
      this.channel = undefined;
      this.consumerTag = undefined;
    }
    if (this.stopped || this.restoring) return;
    this.restoring = this.restore().finally(() => (this.restoring = undefined));
  }

  private async restore(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.backoff)));
      if (this.stopped) return;
      try {
        await this.open();
        this.restores++;
        this.logger.log(`RabbitMQ consumer of queue ${this.currentQueue} restored`);
        return;
      } catch (error) {
        this.lastError = (error as Error).message;
      }
    }
  }

  private receive(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (its queue was deleted): a new channel declares it again.
      this.lastError = 'consumer cancelled by the broker';
      this.logger.warn(`RabbitMQ cancelled the consumer of queue ${this.currentQueue}; restoring it`);
      if (this.channel === channel) {
        this.channel = undefined;
        this.consumerTag = undefined;
      }
      void channel.close().catch(() => undefined);
      this.lost(channel);
      return;
    }
    // Stopping: nothing new starts. Left unacknowledged, the delivery goes back to the queue
    // when the channel closes (durable) or goes with the exclusive queue (at-most-once).
    if (this.stopped) return;
    const attempt = this.target.redelivers ? attemptOf(message) : 1;
    const content = message.content;
    if (content.length > this.maxFrameBytes) {
      const error = oversizedFrameError(content.length, this.maxFrameBytes);
      return this.setAside(channel, message, content.subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES), attempt, error);
    }
    let envelope: Envelope;
    try {
      envelope = this.codec().decode(content);
    } catch (error) {
      return this.setAside(channel, message, content, attempt, error as Error);
    }
    if (!this.target.redelivers) {
      // At-most-once: failure is final and the dispatcher reports it; the ack only frees the prefetch slot.
      const settle = () => this.settle(channel, (open) => open.ack(message));
      this.queue.push(envelope, FIRST_DELIVERY).then(settle, settle);
      return;
    }
    this.queue.push(envelope, { attempt, redelivers: true }).then(
      () => this.settle(channel, (open) => open.ack(message)),
      (error: unknown) => {
        if (attempt >= this.maxDeliveries)
          // The broker dead-letters it on this reject (x-delivery-limit); the bus records it too.
          this.options.onReject?.({ reason: 'poison', envelope, attempt, error: error as Error });
        this.settle(channel, (open) => open.reject(message, true));
      },
    );
  }

  /** Undecodable: reported, then rejected without requeue, so the broker moves it to the dead letter queue (durable) or drops it. */
  private setAside(channel: Channel, message: ConsumeMessage, frame: Uint8Array, attempt: number, error: Error): void {
    this.options.onReject?.({ reason: 'undecodable', frame, attempt, error });
    this.settle(channel, (open) => open.reject(message, false));
  }

  /** Acts on the delivering channel only while it is still this consumer's open channel. */
  private settle(channel: Channel, act: (channel: Channel) => void): void {
    if (this.channel !== channel) return; // closed: the broker requeued the delivery already
    try {
      act(channel);
    } catch (error) {
      this.lastError = (error as Error).message;
    }
  }
}
