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
  EnvelopeHandler,
  frameLimitOption,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { ManagedNatsConnection, NatsConnectionStatus } from './connection/managed-nats-connection';
import { parseNatsUrl } from './connection/nats-endpoint';
import { CoreSubscription, CoreSubscriptionStatus } from './core/core-subscription';
import { NatsTransportOptions } from './interfaces/nats-transport-options.interface';
import { positiveInteger, resolveCommon, withTimeout } from './nats-common';
import { CorePublisher } from './publish/core-publisher';
import { NatsTopology } from './topology/nats-topology';

/** What `NatsTransport.status()` reports without a round trip. */
export interface NatsCoreStatus extends NatsConnectionStatus {
  subscriptions: CoreSubscriptionStatus[];
}

/**
 * At-most-once broadcast on core NATS, like Redis pub/sub: each instance's subscription gets
 * every message published while it is connected; nothing is stored, so what is published
 * while a subscriber is away is lost for it. A publish waits for the connection (at most
 * `publishTimeoutMs`) and resolves once the server read it; while NATS is away it fails with
 * `NatsUnavailableError` rather than being dropped without a word, as the client would.
 */
export class NatsTransport implements Transport {
  readonly kind = 'nats';
  readonly topology: NatsTopology;
  private codec: FrameCodec;
  private readonly maxFrameBytes: number;
  private readonly maxQueued: number;
  private readonly connectTimeoutMs: number;
  private readonly logger: MessageLogger;
  private readonly connection: ManagedNatsConnection;
  private readonly publisher: CorePublisher;
  private readonly subscriptions = new Set<CoreSubscription>();
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(private readonly options: NatsTransportOptions = {}) {
    const common = resolveCommon(options, 'NatsTransport');
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:Nats');
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, 'NatsTransport');
    this.maxQueued = positiveInteger(options.maxQueuedDeliveries ?? 10_000, 'maxQueuedDeliveries', 'NatsTransport');
    this.connectTimeoutMs = common.connectTimeoutMs;
    this.topology = new NatsTopology(common.prefix);
    this.connection = new ManagedNatsConnection(parseNatsUrl(common.url), common.connection, this.logger);
    this.publisher = new CorePublisher(this.connection, common.publishTimeoutMs, common.maxBufferedPublishes);
  }

  /** The subject a message class travels on, as the AsyncAPI channel address. */
  addressOf(messageClass: string): string {
    return this.topology.subjectOf(messageClass);
  }

  /** Connects within `connectTimeoutMs`, failing with `NatsConnectionError`; idempotent. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.connection
      .open(this.connectTimeoutMs)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.starting = undefined;
        throw error;
      });
    return this.starting;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.kind);
    const { messageClass } = envelope.header;
    const subject = this.topology.subjectOf(messageClass);
    const frame = this.codec.encode(envelope);
    assertFrameSize(frame, this.maxFrameBytes, this.kind, messageClass);
    await this.start();
    await this.publisher.publish(subject, typeof frame === 'string' ? Buffer.from(frame) : frame);
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
    if (this.closing) throw new TransportClosedError(this.kind);
    const subject = this.topology.subjectOf(messageClass);
    await this.start();
    const subscription = new CoreSubscription(
      subject,
      options,
      handler,
      this.maxQueued,
      () => this.codec,
      this.maxFrameBytes,
    );
    await subscription.start(this.connection.client);
    this.subscriptions.add(subscription);
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
      abandon: () => subscription.abandon(),
    };
  }

  status(): NatsCoreStatus {
    return {
      ...this.connection.status(),
      subscriptions: [...this.subscriptions].map((subscription) => subscription.status()),
    };
  }

  /** A flush (PING/PONG) within `timeoutMs`: down when it fails, or the connection or a subscription is not up. */
  async health(timeoutMs: number): Promise<TransportHealth> {
    const status = this.status();
    if (this.closing) return { up: false, details: { ...status, problems: ['closed'] } };
    const problems: string[] = [];
    if (status.connection !== 'connected')
      problems.push(`connection ${status.connection}: messages published meanwhile are lost`);
    else
      await withTimeout(this.connection.client.flush(), timeoutMs, `NATS did not answer within ${timeoutMs} ms`).catch(
        (error: Error) => problems.push(error.message),
      );
    for (const subscription of status.subscriptions)
      if (!subscription.open) problems.push(`subscription to ${subscription.subject} is closed`);
    return { up: problems.length === 0, details: { ...status, problems } };
  }

  /** Unsubscribes everything, waits for the handlers that run, then closes the connection (bounded). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      const subscriptions = [...this.subscriptions];
      this.subscriptions.clear();
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await this.connection.close();
    })();
    return this.closing;
  }
}
