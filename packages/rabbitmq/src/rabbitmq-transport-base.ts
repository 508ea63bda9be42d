import type { Channel, Options } from 'amqplib';
import {
  Envelope,
  FrameCodec,
  InvalidOptionError,
  MessageLogger,
  NestMessageLogger,
  Transport,
  TransportClosedError,
  TransportHealth,
} from '@smart-message/nestjs';
import {
  assertFrameSize,
  backlogProblems,
  type Backoff,
  CloudEventsFrameCodec,
  EnvelopeHandler,
  frameLimitOption,
  TransportHealthLimits,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { ManagedConnection } from './connection/managed-connection';
import { endpointOf } from './connection/rabbitmq-endpoint';
import { ConsumedQueue, QueueConsumer, QueueConsumerStatus } from './consume/queue-consumer';
import { RabbitMqConnectionOptions } from './interfaces/rabbitmq-connection-options.interface';
import { ConfirmPublisher } from './publish/confirm-publisher';
import { Topology } from './topology/topology';
import { QueueDepth, queueDepths } from './health/queue-depths';
import { RabbitMqQueueBacklog, backlogsOf } from './health/queue-backlog';
import { RabbitMqBacklogError } from './errors/rabbitmq-backlog.error';

const DEFAULT_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** What `status()` reports: connections, channels and consumers, without a round trip. */
export interface RabbitMqStatus {
  endpoint: string;
  publisher: {
    connection: string;
    reconnects: number;
    channelOpen: boolean;
    channelsOpened: number;
    unroutable: number;
  };
  consumer: { connection: string; reconnects: number };
  subscriptions: QueueConsumerStatus[];
}

/**
 * What both RabbitMQ transports share: a publisher and a consumer connection that recover by
 * themselves, a confirm channel for publishing, the exchanges, and one `QueueConsumer` per
 * subscription. The subclasses decide the queues (durable quorum queues, or exclusive ones per
 * instance) and whether a failed delivery comes again. Not exported: the transports are the API.
 */
export abstract class RabbitMqTransportBase implements Transport {
  abstract readonly kind: string;
  readonly topology: Topology;
  protected readonly logger: MessageLogger;
  protected readonly maxFrameBytes: number;
  protected readonly backoff: Backoff;
  private readonly url: string;
  private codec: FrameCodec;
  private readonly connectTimeoutMs: number;
  private readonly publisherConnection: ManagedConnection;
  private readonly consumerConnection: ManagedConnection;
  private readonly publisher: ConfirmPublisher;
  private readonly consumers = new Set<QueueConsumer>();
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  protected constructor(
    private readonly options: RabbitMqConnectionOptions,
    /** The class name, for option errors. */
    protected readonly className: string,
    topology: (prefix: string) => Topology,
  ) {
    this.url = options.url ?? DEFAULT_URL;
    endpointOf(this.url); // a URL that does not parse fails here, before anything connects
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:RabbitMQ');
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, className);
    this.connectTimeoutMs = this.positiveInteger(options.connectTimeoutMs ?? 5000, 'connectTimeoutMs');
    this.topology = topology(options.prefix ?? 'smart-message');
    this.backoff = { baseMs: options.reconnect?.baseMs ?? 50, maxMs: options.reconnect?.maxMs ?? 1000, jitter: true };
    const name = options.connectionName ?? 'smart-message';
    const connection = (role: string) =>
      new ManagedConnection(this.url, role, name, this.backoff, this.connectTimeoutMs, this.logger);
    this.publisherConnection = connection('publisher');
    this.consumerConnection = connection('consumer');
    this.publisher = new ConfirmPublisher(
      this.publisherConnection,
      (channel) => this.declareExchanges(channel),
      this.backoff,
      this.logger,
      {
        timeoutMs: this.positiveInteger(options.publishTimeoutMs ?? 10_000, 'publishTimeoutMs'),
        maxWaiting: this.positiveInteger(options.maxBufferedPublishes ?? 10_000, 'maxBufferedPublishes'),
      },
    );
  }

  /** The exchange and routing key a message class travels on, as the AsyncAPI channel address. */
  addressOf(messageClass: string): string {
    return `${this.topology.exchange}/${this.topology.routingKeyOf(messageClass)}`;
  }

  /** Connects both connections within `connectTimeoutMs` and declares the exchanges; idempotent. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.connect().catch(async (error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Resolves on the broker's confirm. */
  async publish(envelope: Envelope): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.kind);
    const { header } = envelope;
    const routingKey = this.topology.routingKeyOf(header.messageClass);
    const frame = this.codec.encode(envelope);
    assertFrameSize(frame, this.maxFrameBytes, this.kind, header.messageClass);
    await this.start();
    await this.publisher.publish(this.topology.exchange, routingKey, Buffer.from(frame), {
      ...this.publishProperties(),
      // Returned (and counted in status) when no queue is bound yet; the confirm still comes.
      mandatory: true,
      contentType: 'application/cloudevents+json',
      messageId: header.uuid,
      type: header.messageClass,
      appId: header.from,
      ...(header.correlationId ? { correlationId: header.correlationId } : {}),
      timestamp: Math.floor(Date.now() / 1000),
    });
  }

  /** The default codec labels each payload with its serializer's content type (the bus tells it). */
  useContentTypes(contentTypeOf: (serializer: string) => string | undefined): void {
    if (this.options.codec) return;
    this.codec = new CloudEventsFrameCodec((serializer) => contentTypeOf(serializer) ?? 'application/json');
  }

  abstract subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription>;

  status(): RabbitMqStatus {
    const { host, port } = endpointOf(this.url);
    return {
      endpoint: `${host}:${port}`,
      publisher: {
        connection: this.publisherConnection.state,
        reconnects: this.publisherConnection.reconnects,
        channelOpen: this.publisher.isOpen,
        channelsOpened: this.publisher.channelsOpened,
        unroutable: this.publisher.unroutable,
      },
      consumer: { connection: this.consumerConnection.state, reconnects: this.consumerConnection.reconnects },
      subscriptions: [...this.consumers].map((consumer) => consumer.status()),
    };
  }

  /**
   * A passive declare of every subscription's queue on a fresh channel of the consumer
   * connection (a real round trip; exclusive queues are visible only there): down when a
   * connection or the publisher channel is not ready, a consumer is not consuming or a queue
   * holds more ready messages than `limits.maxLag` (`backlogProblems`, as the other transports).
   * Unacknowledged counts and message ages need the management plugin and are not reported:
   * `maxPending` and `maxOldestDueAgeMs` are never exceeded here.
   */
  async health(timeoutMs: number, limits: TransportHealthLimits = {}): Promise<TransportHealth> {
    const status = this.status();
    if (this.closing) return { up: false, details: { ...status, problems: ['closed'] } };
    const problems: string[] = [];
    if (status.publisher.connection !== 'ready') problems.push(`publisher connection ${status.publisher.connection}`);
    if (!status.publisher.channelOpen) problems.push('publisher channel closed');
    if (status.consumer.connection !== 'ready') problems.push(`consumer connection ${status.consumer.connection}`);
    for (const subscription of status.subscriptions)
      if (!subscription.consuming) problems.push(`queue ${subscription.queue} has no consumer of this instance`);
    const consuming = status.subscriptions.filter(({ consuming }) => consuming);
    const depths = await queueDepths(
      this.consumerConnection.current ?? this.publisherConnection.current,
      uniqueQueues(consuming),
      timeoutMs,
    );
    if (depths.error) problems.push(depths.error);
    const backlogs = backlogsOf(consuming, depths.queues);
    for (const backlog of backlogs) problems.push(...backlogProblems(backlog, limits));
    const warnings = this.depthWarnings(depths.queues);
    return {
      up: problems.length === 0,
      details: {
        ...status,
        queues: depths.queues,
        backlogs,
        problems,
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    };
  }

  /**
   * The ready messages and consumers of every queue this instance subscribes to, from one passive
   * declare per queue, within `timeoutMs` or rejected with `RabbitMqBacklogError`. AMQP cannot
   * list queues, so other services' queues are not included (each service reports its own);
   * `leased` (unacknowledged), `delayed` and `oldestDueAgeMs` are 0: only the management
   * plugin's HTTP API knows them. Subscriptions whose consumer is being restored are left out.
   */
  async backlog(timeoutMs: number): Promise<RabbitMqQueueBacklog[]> {
    if (this.closing) throw new TransportClosedError(this.kind);
    await this.start();
    const consuming = this.status().subscriptions.filter(({ consuming }) => consuming);
    const depths = await queueDepths(
      this.consumerConnection.current ?? this.publisherConnection.current,
      uniqueQueues(consuming),
      timeoutMs,
    );
    if (depths.error) throw new RabbitMqBacklogError(this.status().endpoint, depths.error);
    return backlogsOf(consuming, depths.queues);
  }

  /** Stops every consumer (handlers finish and are acknowledged), waits for confirms, then closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      const consumers = [...this.consumers];
      this.consumers.clear();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await this.publisher.close();
      await Promise.all([this.publisherConnection.close(), this.consumerConnection.close()]);
    })();
    return this.closing;
  }

  /** `persistent` and anything else the subclass's delivery guarantee needs on every publish. */
  protected abstract publishProperties(): Options.Publish;

  /** Risks a health check reports without being down (e.g. a queue at its length limit). */
  protected depthWarnings(_queues: readonly QueueDepth[]): string[] {
    return [];
  }

  /** Starts consuming `target` for one subscription; resolves once the broker registered the consumer. */
  protected async consume(
    target: ConsumedQueue,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
    maxDeliveries: number,
  ): Promise<TransportSubscription> {
    if (this.closing) throw new TransportClosedError(this.kind);
    await this.start();
    const consumer = new QueueConsumer(
      this.consumerConnection,
      target,
      options,
      handler,
      () => this.codec,
      this.maxFrameBytes,
      maxDeliveries,
      this.backoff,
      this.logger,
    );
    await consumer.start();
    this.consumers.add(consumer);
    return {
      unsubscribe: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
      abandon: () => consumer.abandon(),
    };
  }

  protected async declareExchanges(channel: Channel): Promise<void> {
    await channel.assertExchange(this.topology.exchange, 'topic', { durable: true });
    await channel.assertExchange(this.topology.deadLetterExchange, 'direct', { durable: true });
  }

  protected positiveInteger(value: number, name: string): number {
    return positiveInteger(this.className, value, name);
  }

  private async connect(): Promise<void> {
    try {
      await this.publisherConnection.open(this.connectTimeoutMs);
      await this.consumerConnection.open(this.connectTimeoutMs);
      await this.publisher.start();
    } catch (error) {
      // Nothing keeps reconnecting in the background after a failed start.
      await this.publisher.close();
      await Promise.all([this.publisherConnection.close(), this.consumerConnection.close()]);
      throw error;
    }
  }
}

/** Each queue once: two subscriptions of one group and class share their queue. */
function uniqueQueues(subscriptions: readonly QueueConsumerStatus[]): string[] {
  return [...new Set(subscriptions.map(({ queue }) => queue))];
}

/** An option that must be a positive integer, or `InvalidOptionError` naming the class and option. */
export function positiveInteger(className: string, value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(className, name, value, 'a positive integer');
  return value;
}
