import type { Redis } from 'ioredis';
import {
  CloudEventsFrameCodec,
  DeliveryQueue,
  Envelope,
  EnvelopeHandler,
  FrameCodec,
  MessageLogger,
  NestMessageLogger,
  Transport,
  TransportClosedError,
  TransportHealth,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs';
import { pingRedis } from '../health/ping-redis';
import { InFlightBound } from '../connection/in-flight-bound';
import { PublishGate } from '../connection/publish-gate';
import { PublishBatcher } from './publish-batcher';
import { RedisConnections } from '../connection/redis-connections';
import { RedisPubSubTransportOptions } from '../interfaces/redis-pubsub-transport-options.interface';

interface ChannelSubscription {
  readonly queue: DeliveryQueue;
  readonly options: TransportSubscribeOptions;
}

/** What an operator needs to know about a pub/sub transport. */
export interface RedisPubSubStatus {
  publisher: string;
  subscriber: string;
  channels: string[];
  /** Times the subscriber connection was lost; messages published meanwhile were lost. */
  subscriberDisconnects: number;
  lastSubscriberDisconnectAt?: string;
  /** Messages set aside because a subscription's local queue was full. */
  overflowed: number;
  /** With `maxInFlightPublishes`: most PUBLISH commands that were ever awaiting Redis at once. */
  highestPublishesInFlight?: number;
}

const FIRST_DELIVERY = Object.freeze({ attempt: 1 });
const NEWLINE = 0x0a;

/**
 * The original's Redis transport: one channel per message type, every subscribed instance gets
 * every message. Fire-and-forget and at-most-once: what is published while a subscriber is
 * disconnected (including when Redis drops it for exceeding its output buffer limit) is lost.
 */
export class RedisPubSubTransport implements Transport {
  readonly kind = 'redis-pubsub';
  private readonly connections: RedisConnections;
  private readonly codec: FrameCodec;
  private readonly prefix: string;
  private readonly maxQueued: number;
  private readonly logger: MessageLogger;
  private readonly bound?: InFlightBound;
  private readonly batcher?: PublishBatcher;
  private publisherClient?: Redis;
  private publishGate?: PublishGate;
  private subscriberClient?: Redis;
  private readonly channels = new Map<string, Set<ChannelSubscription>>();
  private closed = false;
  private subscriberDisconnects = 0;
  private lastSubscriberDisconnectAt?: Date;
  private overflowed = 0;

  constructor(private readonly options: RedisPubSubTransportOptions = {}) {
    this.connections = new RedisConnections(options, 'smart-message:pubsub');
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.prefix = options.prefix ?? '';
    this.maxQueued = options.maxQueuedDeliveries ?? 10_000;
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:RedisPubSub');
    if (options.batch) {
      this.batcher = new PublishBatcher(options.batch, (channel, message) => {
        const send = (): Promise<unknown> => this.gate().run(() => this.publisher().publish(channel, message));
        return this.bound ? this.bound.run(send) : send();
      });
    }
    if (options.maxInFlightPublishes !== undefined) {
      // Waiting for a slot counts against the same bound as waiting for a reconnect.
      this.bound = new InFlightBound(options.maxInFlightPublishes, options.maxBufferedPublishes ?? 10_000);
    }
  }

  channelOf(messageClass: string): string {
    return `${this.prefix}${messageClass}`;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const frame = this.codec.encode(envelope);
    const channel = this.channelOf(envelope.header.messageClass);
    if (this.batcher) return this.batcher.add(channel, frame);
    const gate = this.gate();
    const send = (): Promise<unknown> => gate.run(() => this.publisher().publish(channel, frame));
    await (this.bound ? this.bound.run(send) : send());
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const channel = this.channelOf(messageClass);
    const queue = new DeliveryQueue(handler, {
      ...options,
      maxQueued: this.maxQueued,
      onReject: (rejection) => {
        if (rejection.reason === 'overflow') this.overflowed++;
        options.onReject?.(rejection);
      },
    });
    const subscription: ChannelSubscription = { queue, options };
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      await this.subscriber().subscribe(channel);
    }
    set.add(subscription);
    return {
      unsubscribe: () => this.unsubscribe(channel, subscription),
      // Pub/sub keeps no copy: a message given up on is reported, never dropped silently.
      abandon: () => queue.abandonWaiting(true),
    };
  }

  status(): RedisPubSubStatus {
    return {
      publisher: this.publisherClient?.status ?? 'not connected',
      subscriber: this.subscriberClient?.status ?? 'not connected',
      channels: [...this.channels.keys()],
      subscriberDisconnects: this.subscriberDisconnects,
      ...(this.lastSubscriberDisconnectAt
        ? { lastSubscriberDisconnectAt: this.lastSubscriberDisconnectAt.toISOString() }
        : {}),
      overflowed: this.overflowed,
      ...(this.bound ? { highestPublishesInFlight: this.bound.highestRunning } : {}),
    };
  }

  /** Round trip to Redis over the publishing connection. */
  async ping(): Promise<void> {
    await this.publisher().ping();
  }

  /**
   * Down when PING on the publishing connection does not answer within `timeoutMs`, or when
   * there are subscriptions and the subscriber connection is not ready (messages are being lost).
   */
  async health(timeoutMs: number): Promise<TransportHealth> {
    if (this.closed) return { up: false, details: { closed: true } };
    const ping = await pingRedis(this.publisher(), timeoutMs);
    const status = this.status();
    const problems: string[] = [];
    if (!ping.ok) problems.push(`PING failed: ${ping.error}`);
    if (this.channels.size > 0 && status.subscriber !== 'ready')
      problems.push(`subscriber connection is ${status.subscriber}: messages published meanwhile are lost`);
    return {
      up: problems.length === 0,
      details: {
        ...(ping.ok ? { pingMs: ping.pingMs } : {}),
        ...status,
        ...(problems.length > 0 ? { problems } : {}),
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.batcher?.flushAll();
    const subscriptions = [...this.channels.values()].flatMap((set) => [...set]);
    this.channels.clear();
    await Promise.all(subscriptions.map((subscription) => subscription.queue.idle()));
    await this.connections.closeAll();
  }

  private async unsubscribe(channel: string, subscription: ChannelSubscription): Promise<void> {
    const set = this.channels.get(channel);
    if (set?.delete(subscription) && set.size === 0) {
      this.channels.delete(channel);
      await this.subscriberClient?.unsubscribe(channel).catch(() => undefined);
    }
    await subscription.queue.idle();
  }

  private publisher(): Redis {
    this.publisherClient ??= this.connections.commands();
    return this.publisherClient;
  }

  private gate(): PublishGate {
    this.publishGate ??= new PublishGate(
      this.publisher(),
      this.options.publishTimeoutMs ?? 10_000,
      this.options.maxBufferedPublishes ?? 10_000,
    );
    return this.publishGate;
  }

  private subscriber(): Redis {
    if (this.subscriberClient) return this.subscriberClient;
    // ioredis re-subscribes every channel once after a reconnect (autoResubscribe); adding no
    // listener of our own on reconnect is what keeps deliveries from doubling.
    const client = this.connections.dedicated('subscriber');
    client.on('messageBuffer', (channel: Buffer, frame: Buffer) => this.receive(channel.toString(), frame));
    let wasReady = false;
    client.on('ready', () => {
      if (wasReady)
        this.logger.log('Redis pub/sub subscriber reconnected and re-subscribed', { channels: this.channels.size });
      wasReady = true;
    });
    client.on('close', () => {
      if (this.closed || !wasReady) return;
      this.subscriberDisconnects++;
      this.lastSubscriberDisconnectAt = new Date();
      this.logger.warn(
        'Redis pub/sub subscriber connection lost: messages published until it is back are lost (pub/sub is at-most-once). ' +
          'If Redis dropped it for its output buffer limit, handlers are too slow for the rate: use the Streams transport.',
        { disconnects: this.subscriberDisconnects },
      );
    });
    this.subscriberClient = client;
    return client;
  }

  private receive(channel: string, message: Buffer): void {
    const subscriptions = this.channels.get(channel);
    if (!subscriptions) return;
    // A batch is several one-line frames joined by newlines.
    if (message.indexOf(NEWLINE) < 0) return this.receiveFrame(subscriptions, message);
    for (const line of message.toString('utf8').split('\n')) this.receiveFrame(subscriptions, line);
  }

  private receiveFrame(subscriptions: Set<ChannelSubscription>, frame: Buffer | string): void {
    let envelope: Envelope;
    try {
      envelope = this.codec.decode(frame);
    } catch (error) {
      for (const { options } of subscriptions) {
        options.onReject?.({ reason: 'undecodable', frame, attempt: 1, error: error as Error });
      }
      return;
    }
    // Failures are reported by the dispatcher, overflow by the queue; pub/sub has no redelivery.
    for (const { queue } of subscriptions) queue.enqueue(envelope, FIRST_DELIVERY);
  }
}
