import type { RedisClient } from '../connection/redis-client';
import {
  FrameDecodeError,
  Envelope,
  FrameCodec,
  MessageLogger,
  NestMessageLogger,
  Transport,
  TransportClosedError,
  TransportHealth,
} from '@smart-message/nestjs';
import {
  assertFrameSize,
  CloudEventsFrameCodec,
  frameLimitOption,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  oversizedFrameError,
  DeliveryQueue,
  EnvelopeHandler,
  FrameBatcher,
  InFlightLimit,
  ReconnectGate,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { pingRedis } from '../health/ping-redis';
import { BATCH_FORMAT, decodeBatch, isBatch } from './batch-frame';
import { resolveBatchOptions } from './batch-options';
import { RedisConnections } from '../connection/redis-connections';
import { RedisPubSubTransportOptions } from '../interfaces/redis-pubsub-transport-options.interface';
import { ShardedPubSubUnsupportedError } from '../errors/sharded-pubsub-unsupported.error';
import { isClusterClient } from '../connection/redis-client';
import { slotOwner } from '../cluster/slot-owner';

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

/**
 * The original's Redis transport: one channel per message type, every subscribed instance gets
 * every message. Fire-and-forget and at-most-once: what is published while a subscriber is
 * disconnected (including when Redis drops it for exceeding its output buffer limit) is lost.
 */
export class RedisPubSubTransport implements Transport {
  readonly kind = 'redis-pubsub';
  private readonly connections: RedisConnections;
  private codec: FrameCodec;
  private readonly maxFrameBytes: number;
  private readonly prefix: string;
  private readonly maxQueued: number;
  private readonly logger: MessageLogger;
  private readonly bound?: InFlightLimit;
  private readonly batcher?: FrameBatcher;
  private publisherClient?: RedisClient;
  private publishGate?: ReconnectGate;
  private subscriberClient?: RedisClient;
  private readonly channels = new Map<string, Set<ChannelSubscription>>();
  private closed = false;
  private starting?: Promise<void>;
  private subscriberDisconnects = 0;
  private lastSubscriberDisconnectAt?: Date;
  private overflowed = 0;
  private readonly sharded: boolean;

  constructor(private readonly options: RedisPubSubTransportOptions = {}) {
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:RedisPubSub');
    this.connections = new RedisConnections(options, 'smart-message:pubsub', this.logger);
    this.sharded = options.sharded === true;
    if (this.sharded && !this.connections.isCluster)
      throw new ShardedPubSubUnsupportedError(
        'it is a Redis Cluster feature: give `cluster: { nodes }` (or a Cluster `client`), or leave `sharded` off',
      );
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, 'RedisPubSubTransport');
    this.prefix = options.prefix ?? '';
    this.maxQueued = options.maxQueuedDeliveries ?? 10_000;
    if (options.batch) {
      this.batcher = new FrameBatcher({
        ...resolveBatchOptions(options.batch),
        maxBytes: this.maxFrameBytes,
        format: BATCH_FORMAT,
        send: (channel, message) => {
          const send = (): Promise<unknown> => this.gate().run(() => this.send(channel, message));
          return this.bound ? this.bound.run(send) : send();
        },
      });
    }
    if (options.maxInFlightPublishes !== undefined) {
      this.bound = this.connections.inFlightLimit(options.maxInFlightPublishes);
    }
  }

  channelOf(messageClass: string): string {
    return `${this.prefix}${messageClass}`;
  }

  /** The pub/sub channel: what the AsyncAPI document gives as the channel's address. */
  addressOf(messageClass: string): string {
    return this.channelOf(messageClass);
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const frame = this.codec.encode(envelope);
    assertFrameSize(frame, this.maxFrameBytes, this.kind, envelope.header.messageClass);
    const channel = this.channelOf(envelope.header.messageClass);
    if (this.batcher) return this.batcher.add(channel, frame);
    const gate = this.gate();
    const send = (): Promise<unknown> => gate.run(() => this.send(channel, frame));
    await (this.bound ? this.bound.run(send) : send());
  }

  /** The default codec labels each payload with its serializer's content type (the bus tells it). */
  useContentTypes(contentTypeOf: (serializer: string) => string | undefined): void {
    if (this.options.codec) return;
    this.codec = new CloudEventsFrameCodec((serializer) => contentTypeOf(serializer) ?? 'application/json');
  }

  /**
   * Connects the publishing connection, so a health check right after startup is up. Fails
   * within `connectTimeoutMs` with RedisConnectionError (host, port, cause) and closes what it
   * opened; a later call tries again.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.connections.ready(this.publisher(), 'connecting the publisher').catch(async (error) => {
      await this.disconnectAfterFailedStart();
      throw error;
    });
    return this.starting;
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    await this.start();
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
      const subscriber = this.subscriber();
      try {
        // Bounded: SUBSCRIBE on a connection that is not there would wait in its offline queue forever.
        await this.connections.ready(subscriber, `connecting the subscriber (to subscribe to ${channel})`);
        await this.subscribeTo(subscriber, [channel]);
      } catch (error) {
        this.channels.delete(channel);
        throw error;
      }
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
      const subscriber = this.subscriberClient;
      await (this.sharded ? subscriber?.sunsubscribe(channel) : subscriber?.unsubscribe(channel))?.catch(
        () => undefined,
      );
    }
    await subscription.queue.idle();
  }

  private async disconnectAfterFailedStart(): Promise<void> {
    this.starting = undefined;
    this.publisherClient = undefined;
    this.publishGate = undefined;
    this.subscriberClient = undefined;
    await this.connections.closeAll();
  }

  private publisher(): RedisClient {
    this.publisherClient ??= this.connections.commands();
    return this.publisherClient;
  }

  private gate(): ReconnectGate {
    this.publishGate ??= this.connections.gate(this.publisher());
    return this.publishGate;
  }

  private subscriber(): RedisClient {
    if (this.subscriberClient) return this.subscriberClient;
    // Re-subscribed here on every ready, not by ioredis's autoResubscribe: that one leaves its
    // SUBSCRIBE promise unhandled, so a connection lost again before Redis answers is an unhandled
    // rejection, which ends a Node 20 process. SUBSCRIBE to a channel already subscribed changes
    // nothing, and the one `messageBuffer` listener below keeps deliveries from doubling.
    const client = this.connections.dedicated(
      'subscriber',
      'messages published until it is back are lost (pub/sub is at-most-once)',
      { autoResubscribe: false },
      // One subscriber connection per primary, each SSUBSCRIBEd to the channels of its slots.
      this.sharded ? { shardedSubscribers: true } : undefined,
    );
    // ioredis before 5.5.0 ignores the option (it has no shard subscriber group): refuse rather than receive nothing.
    const group = (client as unknown as { shardedSubscribers?: unknown }).shardedSubscribers;
    if (this.sharded && isClusterClient(client) && group === undefined) {
      client.disconnect();
      throw new ShardedPubSubUnsupportedError(
        'the ioredis loaded has no `shardedSubscribers` Cluster option: upgrade ioredis to 5.5.0 or later',
      );
    }
    const event = this.sharded ? 'smessageBuffer' : 'messageBuffer';
    client.on(event, (channel: Buffer, frame: Buffer) => this.receive(channel.toString(), frame));
    // Counted per loss of a ready connection, not per failed reconnect attempt; the connections'
    // outage log says it once, with the cause, and again when Redis is back.
    let ready = false;
    client.on('ready', () => {
      ready = true;
      // A Cluster moves its channels to each new subscriber connection itself (ClusterSubscriber
      // and the shard subscribers re-subscribe the previous ones): subscribing again from here
      // raced with that and left two connections subscribed, delivering messages twice.
      if (!isClusterClient(client)) this.resubscribe(client);
    });
    client.on('close', () => {
      if (this.closed || !ready) return;
      ready = false;
      this.subscriberDisconnects++;
      this.lastSubscriberDisconnectAt = new Date();
    });
    this.subscriberClient = client;
    return client;
  }

  /** Subscribes the connection to every channel a handler needs, after it (re)connected. */
  private resubscribe(client: RedisClient): void {
    const channels = [...this.channels.keys()];
    if (channels.length === 0) return;
    this.subscribeTo(client, channels).catch((error: unknown) => {
      // Lost again before Redis answered: the next ready subscribes them. Anything else is worth a line.
      if (this.closed || client.status !== 'ready') return;
      this.logger.warn(
        `Re-subscribing ${channels.length} channel(s) after a reconnect failed: ${(error as Error).message}; ` +
          'messages on them are lost until the subscriber reconnects',
      );
    });
  }

  /**
   * PUBLISH, or SPUBLISH to the shard that owns the channel's slot. A Cluster sends a keyless
   * PUBLISH to any node, and messages published on different nodes reach a subscriber over
   * different bus links, out of order: classic PUBLISH goes to the primary of the channel's slot,
   * so one channel's messages take one path and keep their order.
   */
  private send(channel: string, message: Buffer | string): Promise<unknown> {
    const publisher = this.publisher();
    if (this.sharded) return publisher.spublish(channel, message);
    const node = isClusterClient(publisher) ? slotOwner(publisher, channel) : undefined;
    return (node ?? publisher).publish(channel, message);
  }

  /**
   * SUBSCRIBE takes every channel at once; SSUBSCRIBE one at a time, since the channels of one
   * call must hash to one slot (CROSSSLOT otherwise).
   */
  private async subscribeTo(client: RedisClient, channels: string[]): Promise<void> {
    if (!this.sharded) {
      await client.subscribe(...channels);
      return;
    }
    await Promise.all(channels.map((channel) => client.ssubscribe(channel)));
  }

  private receive(channel: string, message: Buffer): void {
    const subscriptions = this.channels.get(channel);
    if (!subscriptions) return;
    // Measured before anything is parsed: one length compare.
    if (message.length > this.maxFrameBytes) {
      const sample = message.subarray(0, OVERSIZED_FRAME_SAMPLE_BYTES);
      return this.rejectFrame(subscriptions, sample, oversizedFrameError(message.length, this.maxFrameBytes));
    }
    // One PUBLISH is one message unless it is a well-formed batch: it never multiplies into many rejections.
    if (!isBatch(message)) return this.receiveFrame(subscriptions, message);
    let frames: Buffer[];
    try {
      frames = decodeBatch(message);
    } catch (error) {
      return this.rejectFrame(subscriptions, message, error as Error);
    }
    const envelopes: Envelope[] = [];
    let undecodable = 0;
    let firstError: Error | undefined;
    for (const frame of frames) {
      try {
        envelopes.push(this.codec.decode(frame));
      } catch (error) {
        undecodable++;
        firstError ??= error as Error;
      }
    }
    if (firstError) {
      const error = new FrameDecodeError(
        `${undecodable} of the ${frames.length} frames of a batch could not be decoded (the others were delivered); the first: ${firstError.message}`,
        { cause: firstError },
      );
      this.rejectFrame(subscriptions, message, error);
    }
    for (const envelope of envelopes) this.enqueue(subscriptions, envelope);
  }

  private receiveFrame(subscriptions: Set<ChannelSubscription>, frame: Buffer): void {
    let envelope: Envelope;
    try {
      envelope = this.codec.decode(frame);
    } catch (error) {
      return this.rejectFrame(subscriptions, frame, error as Error);
    }
    this.enqueue(subscriptions, envelope);
  }

  private enqueue(subscriptions: Set<ChannelSubscription>, envelope: Envelope): void {
    // Failures are reported by the dispatcher, overflow by the queue; pub/sub has no redelivery.
    for (const { queue } of subscriptions) queue.enqueue(envelope, FIRST_DELIVERY);
  }

  private rejectFrame(subscriptions: Set<ChannelSubscription>, frame: Buffer, error: Error): void {
    for (const { options } of subscriptions) options.onReject?.({ reason: 'undecodable', frame, attempt: 1, error });
  }
}
