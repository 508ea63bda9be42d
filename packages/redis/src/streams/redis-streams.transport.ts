import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from '../connection/redis-client';
import {
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
  DeliveryQueue,
  EnvelopeHandler,
  frameLimitOption,
  ReconnectGate,
  TransportHealthLimits,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { RedisClusterConfigError } from '../errors/redis-cluster-config.error';
import { StreamClassNameError } from '../errors/stream-class-name.error';
import { RedisConnections } from '../connection/redis-connections';
import { RedisStreamsTransportOptions } from '../interfaces/redis-streams-transport-options.interface';
import { consumerGroupBacklog } from '../health/consumer-group-backlog';
import { persistenceWarnings } from '../health/persistence-warnings';
import { pingRedis } from '../health/ping-redis';
import { DeadLetterStream } from './dead-letter-stream';
import { HeldBytes } from './held-bytes';
import { FRAME_FIELD } from './stream-entry';
import { StreamSubscription } from './consumed-stream';
import { StreamConsumer } from './stream-consumer';

/** Default `maxHeldBytes`: 64 MiB of frames read and not yet finished per transport. */
export const DEFAULT_MAX_HELD_BYTES = 64 * 1024 * 1024;

/** Figures per consumer group of this instance, for health checks and dashboards. */
export interface RedisStreamsStatus {
  commands: string;
  consumer: string;
  groups: { group: string; running: boolean; inFlight: number; failedStreams: string[] }[];
  /** Bytes of entries read and not finished, over all groups, and the budget (`maxHeldBytes`, 0 = none). */
  heldBytes: number;
  maxHeldBytes: number;
}

/**
 * Durable transport on Redis Streams: one stream per message type, one consumer group per
 * subscribing service (the module's `entity`) and one consumer per instance, so every service
 * gets each message once and its instances share the work. At-least-once: an entry is
 * acknowledged after this instance's handlers all succeeded or it was set aside with its reason.
 */
export class RedisStreamsTransport implements Transport {
  readonly kind = 'redis-streams';
  readonly consumerName: string;
  private readonly connections: RedisConnections;
  private codec: FrameCodec;
  private readonly maxFrameBytes: number;
  private readonly prefix: string;
  private readonly maxLen: number;
  private readonly logger: MessageLogger;
  private commandsClient?: RedisClient;
  private publishGate?: ReconnectGate;
  private readonly consumers = new Map<string, StreamConsumer>();
  private readonly readers = new Map<string, RedisClient>();
  /** The group of each consumer key (see consumerKey). */
  private readonly groupsByKey = new Map<string, string>();
  private readonly heldBytes: HeldBytes;
  private closed = false;
  private starting?: Promise<void>;

  constructor(private readonly options: RedisStreamsTransportOptions = {}) {
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:RedisStreams');
    this.connections = new RedisConnections(options, 'smart-message:streams', this.logger);
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, 'RedisStreamsTransport');
    this.prefix = options.prefix ?? 'smart-message:';
    if (this.connections.isCluster && /[{}]/.test(this.prefix + (options.deadLetterSuffix ?? '')))
      // A tag in the prefix would hash every stream to one slot, so one shard would carry them all.
      throw new RedisClusterConfigError(
        `the stream prefix "${this.prefix}" or dead letter suffix contains "{" or "}"`,
        'In cluster mode each stream key is tagged with its message type (<prefix>{<class>}) by the transport: use a prefix without braces.',
      );
    this.maxLen = options.maxLen ?? 100_000;
    this.heldBytes = new HeldBytes(options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES);
    this.consumerName = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  /**
   * The stream key of a message type: `<prefix><class>` on one server; in cluster mode
   * `<prefix>{<class>}`, so the stream and its dead letter stream share a slot while streams of
   * different types spread over the cluster by their type's hash.
   */
  streamOf(messageClass: string): string {
    if (!this.connections.isCluster) return `${this.prefix}${messageClass}`;
    if (/[{}]/.test(messageClass)) throw new StreamClassNameError(messageClass);
    return `${this.prefix}{${messageClass}}`;
  }

  /** The stream key: what the AsyncAPI document gives as the channel's address. */
  addressOf(messageClass: string): string {
    return this.streamOf(messageClass);
  }

  /** The stream where entries set aside from `messageClass`'s stream are kept. */
  deadLetterStreamOf(messageClass: string): string {
    return `${this.streamOf(messageClass)}${this.options.deadLetterSuffix ?? ':dead-letters'}`;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const frame = this.codec.encode(envelope);
    assertFrameSize(frame, this.maxFrameBytes, this.kind, envelope.header.messageClass);
    const stream = this.streamOf(envelope.header.messageClass);
    const trim = this.maxLen > 0 ? ['MAXLEN', '~', this.maxLen] : [];
    await this.gate().run(() => this.commands().xadd(stream, ...(trim as []), '*', FRAME_FIELD, frame));
  }

  /** The default codec labels each payload with its serializer's content type (the bus tells it). */
  useContentTypes(contentTypeOf: (serializer: string) => string | undefined): void {
    if (this.options.codec) return;
    this.codec = new CloudEventsFrameCodec((serializer) => contentTypeOf(serializer) ?? 'application/json');
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    await this.start();
    const stream = this.streamOf(messageClass);
    const subscription: StreamSubscription = { options, queue: new DeliveryQueue(handler, options) };
    const consumer = this.consumerFor(options.group, stream);
    // Bounded: a blocking read on a connection that is not there would wait in its offline queue.
    await this.connections.ready(
      this.readers.get(this.consumerKey(options.group, stream)) as RedisClient,
      `connecting the reader of consumer group ${options.group}`,
    );
    await consumer.add(stream, subscription, this.options.startFrom ?? '$');
    return {
      unsubscribe: () => consumer.remove(stream, subscription),
      // Entries given up on stay pending in the group, for this or another instance to take.
      abandon: () => subscription.queue.abandonWaiting(false),
    };
  }

  status(): RedisStreamsStatus {
    return {
      commands: this.commandsClient?.status ?? 'not connected',
      consumer: this.consumerName,
      groups: [...this.consumers].map(([key, consumer]) => ({
        group: this.groupOf(key),
        running: consumer.isRunning,
        inFlight: consumer.inFlight,
        failedStreams: [...consumer.streamFailures().keys()],
      })),
      heldBytes: this.heldBytes.held,
      maxHeldBytes: this.heldBytes.limit,
    };
  }

  /** Round trip to Redis over the command connection. */
  async ping(): Promise<void> {
    await this.commands().ping();
  }

  /**
   * Down when PING does not answer within `timeoutMs`, when a consumer group's read loop stopped
   * reading (its reader connection is gone, or no XREADGROUP came back for longer than `blockMs`
   * plus `readStallMarginMs`), or when a group's lag or pending count is above `limits`. Eviction
   * and persistence settings that could lose streams are `warnings`, never down.
   */
  async health(timeoutMs: number, limits: TransportHealthLimits = {}): Promise<TransportHealth> {
    if (this.closed) return { up: false, details: { closed: true } };
    const commands = this.commands();
    const ping = await pingRedis(commands, timeoutMs);
    if (!ping.ok) return { up: false, details: { connection: commands.status, error: ping.error } };
    const problems: string[] = [];
    const margin = this.options.readStallMarginMs ?? 3000;
    const groups = await Promise.all(
      [...this.consumers].map(async ([key, consumer]) => {
        const group = this.groupOf(key);
        const liveness = consumer.liveness(margin);
        if (!liveness.reading) problems.push(`consumer group ${group}: ${liveness.reason ?? 'not reading'}`);
        const streams: Record<string, unknown> = {};
        const failures = consumer.streamFailures();
        for (const stream of consumer.streamKeys) {
          const failure = failures.get(stream);
          if (failure) {
            // Set aside, retried on the claim timer: the group's other streams are still read.
            streams[stream] = { down: true, code: failure.code, error: failure.message };
            problems.push(`${stream} (${group}): ${failure.code}: ${failure.message}`);
            continue;
          }
          try {
            const backlog = await consumerGroupBacklog(commands, stream, group, timeoutMs);
            streams[stream] = backlog ?? { missing: true };
            if (!backlog) problems.push(`consumer group ${group} is missing on ${stream}`);
            else {
              if (limits.maxLag !== undefined && backlog.lag !== null && backlog.lag > limits.maxLag)
                problems.push(`${stream} (${group}): lag ${backlog.lag} above ${limits.maxLag}`);
              if (limits.maxPending !== undefined && backlog.pending > limits.maxPending)
                problems.push(`${stream} (${group}): ${backlog.pending} pending above ${limits.maxPending}`);
            }
          } catch (error) {
            problems.push(`${stream} (${group}): ${(error as Error).message}`);
          }
        }
        return [key, { ...liveness, inFlight: consumer.inFlight, streams }] as const;
      }),
    );
    const warnings = await persistenceWarnings(commands, timeoutMs);
    return {
      up: problems.length === 0,
      details: {
        pingMs: ping.pingMs,
        consumer: this.consumerName,
        groups: Object.fromEntries(groups),
        ...(problems.length > 0 ? { problems } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    };
  }

  /**
   * Connects the command connection, so a health check right after startup is up. Fails within
   * `connectTimeoutMs` with RedisConnectionError (host, port, cause) and closes what it opened;
   * a later call tries again.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.connections
      .ready(this.commands(), 'connecting the command connection')
      .catch(async (error) => {
        this.starting = undefined;
        this.commandsClient = undefined;
        this.publishGate = undefined;
        await this.connections.closeAll();
        throw error;
      });
    return this.starting;
  }

  /** Stops reading, finishes and acknowledges in-flight entries, leaves the rest pending, closes connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.close()));
    await this.connections.closeAll();
  }

  /**
   * Consumers by group on one server: one blocking XREADGROUP covers every stream of the group.
   * In cluster mode by group and stream, each with a reader of its own: a read over several
   * streams fails with CROSSSLOT when their keys hash to different slots (even on one node), and
   * one blocking read per connection is all Redis allows (redis/ioredis#1646).
   */
  private consumerKey(group: string, stream: string): string {
    return this.connections.isCluster ? `${group} ${stream}` : group;
  }

  private groupOf(consumerKey: string): string {
    return this.groupsByKey.get(consumerKey) ?? consumerKey;
  }

  private consumerFor(group: string, stream: string): StreamConsumer {
    const key = this.consumerKey(group, stream);
    let consumer = this.consumers.get(key);
    if (!consumer) {
      // Once per group, also in cluster mode where a group has a consumer per stream.
      if (group === 'default' && ![...this.groupsByKey.values()].includes(group))
        this.logger.warn(
          'Redis Streams consumer group is "default" because the bus has no `entity`: every service without one ' +
            'joins this group and they split messages between them instead of each getting every message. ' +
            "Set `entity` (SmartMessageModule.forRoot({ entity: 'orders', ... }) or new MessageBus({ entity }))",
          { group },
        );
      const reader = this.connections.dedicated(
        this.connections.isCluster ? `reader:${group}:${stream}` : `reader:${group}`,
      );
      this.readers.set(key, reader);
      consumer = new StreamConsumer(
        {
          group,
          consumer: this.consumerName,
          batchSize: this.options.batchSize ?? 100,
          blockMs: this.options.blockMs ?? 2000,
          claimIdleMs: this.options.claimIdleMs ?? 30_000,
          claimIntervalMs: this.options.claimIntervalMs ?? 5000,
          maxDeliveries: this.options.maxDeliveries ?? 5,
          maxFrameBytes: this.maxFrameBytes,
        },
        {
          reader,
          commands: () => this.commands(),
          codec: this.codec,
          logger: this.logger,
          heldBytes: this.heldBytes,
          deadLetters: new DeadLetterStream(
            () => this.commands(),
            this.options.deadLetterSuffix ?? ':dead-letters',
            group,
            this.consumerName,
          ),
          ensureGroup: (stream, startFrom) => this.ensureGroup(stream, group, startFrom ?? '$'),
        },
      );
      this.consumers.set(key, consumer);
      this.groupsByKey.set(key, group);
    }
    return consumer;
  }

  private async ensureGroup(stream: string, group: string, startFrom: '$' | '0'): Promise<void> {
    await this.connections.ready(this.commands(), `creating consumer group ${group} on ${stream}`);
    try {
      await this.gate().run(() => this.commands().xgroup('CREATE', stream, group, startFrom, 'MKSTREAM'));
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  private commands(): RedisClient {
    this.commandsClient ??= this.connections.commands();
    return this.commandsClient;
  }

  private gate(): ReconnectGate {
    this.publishGate ??= this.connections.gate(this.commands());
    return this.publishGate;
  }
}
