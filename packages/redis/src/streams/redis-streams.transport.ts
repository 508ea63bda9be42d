import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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
  TransportHealthLimits,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs';
import { PublishGate } from '../connection/publish-gate';
import { RedisConnections } from '../connection/redis-connections';
import { RedisStreamsTransportOptions } from '../interfaces/redis-streams-transport-options.interface';
import { consumerGroupBacklog } from '../health/consumer-group-backlog';
import { persistenceWarnings } from '../health/persistence-warnings';
import { pingRedis } from '../health/ping-redis';
import { DeadLetterStream } from './dead-letter-stream';
import { FRAME_FIELD } from './stream-entry';
import { StreamConsumer, StreamSubscription } from './stream-consumer';

/** Figures per consumer group of this instance, for health checks and dashboards. */
export interface RedisStreamsStatus {
  commands: string;
  consumer: string;
  groups: { group: string; running: boolean; inFlight: number }[];
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
  private readonly codec: FrameCodec;
  private readonly prefix: string;
  private readonly maxLen: number;
  private readonly logger: MessageLogger;
  private commandsClient?: Redis;
  private publishGate?: PublishGate;
  private readonly consumers = new Map<string, StreamConsumer>();
  private closed = false;

  constructor(private readonly options: RedisStreamsTransportOptions = {}) {
    this.connections = new RedisConnections(options, 'smart-message:streams');
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.prefix = options.prefix ?? 'smart-message:';
    this.maxLen = options.maxLen ?? 100_000;
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:RedisStreams');
    this.consumerName = options.consumerName ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  streamOf(messageClass: string): string {
    return `${this.prefix}${messageClass}`;
  }

  /** The stream where entries set aside from `messageClass`'s stream are kept. */
  deadLetterStreamOf(messageClass: string): string {
    return `${this.streamOf(messageClass)}${this.options.deadLetterSuffix ?? ':dead-letters'}`;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const frame = this.codec.encode(envelope);
    const stream = this.streamOf(envelope.header.messageClass);
    const trim = this.maxLen > 0 ? ['MAXLEN', '~', this.maxLen] : [];
    await this.gate().run(() => this.commands().xadd(stream, ...(trim as []), '*', FRAME_FIELD, frame));
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    if (this.closed) throw new TransportClosedError(this.kind);
    const stream = this.streamOf(messageClass);
    const subscription: StreamSubscription = { options, queue: new DeliveryQueue(handler, options) };
    const consumer = this.consumerFor(options.group);
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
      groups: [...this.consumers].map(([group, consumer]) => ({
        group,
        running: consumer.isRunning,
        inFlight: consumer.inFlight,
      })),
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
      [...this.consumers].map(async ([group, consumer]) => {
        const liveness = consumer.liveness(margin);
        if (!liveness.reading) problems.push(`consumer group ${group}: ${liveness.reason ?? 'not reading'}`);
        const streams: Record<string, unknown> = {};
        for (const stream of consumer.streamKeys) {
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
        return [group, { ...liveness, inFlight: consumer.inFlight, streams }] as const;
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

  /** Stops reading, finishes and acknowledges in-flight entries, leaves the rest pending, closes connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.close()));
    await this.connections.closeAll();
  }

  private consumerFor(group: string): StreamConsumer {
    let consumer = this.consumers.get(group);
    if (!consumer) {
      consumer = new StreamConsumer(
        {
          group,
          consumer: this.consumerName,
          batchSize: this.options.batchSize ?? 100,
          blockMs: this.options.blockMs ?? 2000,
          claimIdleMs: this.options.claimIdleMs ?? 30_000,
          claimIntervalMs: this.options.claimIntervalMs ?? 5000,
          maxDeliveries: this.options.maxDeliveries ?? 5,
        },
        {
          reader: this.connections.dedicated(`reader:${group}`),
          commands: () => this.commands(),
          codec: this.codec,
          logger: this.logger,
          deadLetters: new DeadLetterStream(
            () => this.commands(),
            this.options.deadLetterSuffix ?? ':dead-letters',
            group,
            this.consumerName,
          ),
          ensureGroup: (stream, startFrom) => this.ensureGroup(stream, group, startFrom ?? '$'),
        },
      );
      this.consumers.set(group, consumer);
    }
    return consumer;
  }

  private async ensureGroup(stream: string, group: string, startFrom: '$' | '0'): Promise<void> {
    try {
      await this.gate().run(() => this.commands().xgroup('CREATE', stream, group, startFrom, 'MKSTREAM'));
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  private commands(): Redis {
    this.commandsClient ??= this.connections.commands();
    return this.commandsClient;
  }

  private gate(): PublishGate {
    this.publishGate ??= new PublishGate(
      this.commands(),
      this.options.publishTimeoutMs ?? 10_000,
      this.options.maxBufferedPublishes ?? 10_000,
    );
    return this.publishGate;
  }
}
