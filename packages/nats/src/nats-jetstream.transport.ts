import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  Envelope,
  FrameCodec,
  InvalidOptionError,
  MessageLogger,
  NestMessageLogger,
  QueueBacklog,
  Transport,
  TransportClosedError,
  TransportHealth,
} from '@smart-message/nestjs';
import {
  assertFrameSize,
  type Backoff,
  backlogProblems,
  CloudEventsFrameCodec,
  EnvelopeHandler,
  frameLimitOption,
  TransportHealthLimits,
  TransportSubscribeOptions,
  TransportSubscription,
} from '@smart-message/nestjs/transport-kit';
import { ManagedNatsConnection, NatsConnectionStatus } from './connection/managed-nats-connection';
import { parseNatsUrl } from './connection/nats-endpoint';
import { DeadLetterCopy, JetStreamConsumer, JetStreamConsumerStatus } from './consume/jetstream-consumer';
import { NatsConnectionError } from './errors/nats-connection.error';
import { allBacklogs, backlogOf, describeConsumer } from './health/consumer-backlog';
import { NatsJetStreamTransportOptions } from './interfaces/nats-transport-options.interface';
import { JetStreamPublisher } from './publish/jetstream-publisher';
import { NatsTopology } from './topology/nats-topology';
import { StreamSetup } from './topology/stream-setup';
import { positiveInteger, resolveCommon, withTimeout } from './nats-common';

/** Headers of a copy in the dead letter stream. */
export const DEAD_LETTER_HEADERS = {
  reason: 'Smart-Message-Dead-Letter-Reason',
  error: 'Smart-Message-Dead-Letter-Error',
  group: 'Smart-Message-Group',
  messageClass: 'Smart-Message-Class',
  attempt: 'Smart-Message-Attempt',
  stream: 'Smart-Message-Stream',
  streamSequence: 'Smart-Message-Stream-Sequence',
  receivedBytes: 'Smart-Message-Received-Bytes',
} as const;

/** What `status()` reports without a round trip. */
export interface NatsJetStreamStatus extends NatsConnectionStatus {
  subscriptions: JetStreamConsumerStatus[];
}

/**
 * Durable transport on NATS JetStream: a stream per message class (LimitsPolicy, subject
 * `<prefix>.<class>`), and per subscribing service (the module's `entity`) and class a durable
 * pull consumer, so every service gets each message and the instances of one service compete
 * for it. At-least-once: a message is acknowledged after the handlers, `nak`ed with backoff on
 * failure, and after `maxDeliveries` copied to the dead letter stream with the reason and
 * terminated. Publishes resolve on the stream's acknowledgement, retried with the message id
 * so a retry is not stored twice. Order holds under concurrency 1, across instances too
 * (`max_ack_pending` 1). Docs: docs/nats.md.
 */
export class NatsJetStreamTransport implements Transport {
  readonly kind = 'nats-jetstream';
  readonly topology: NatsTopology;
  private codec: FrameCodec;
  private readonly maxFrameBytes: number;
  private readonly maxDeliveries: number;
  private readonly ackWaitMs: number;
  private readonly maxAckPending: number;
  private readonly startFrom: 'new' | 'all';
  private readonly onDrift: 'fail' | 'warn' | 'update';
  private readonly redelivery: Backoff;
  private readonly pullExpiresMs: number;
  private readonly connectTimeoutMs: number;
  private readonly logger: MessageLogger;
  private readonly connection: ManagedNatsConnection;
  private readonly streams: StreamSetup;
  private readonly publisher: JetStreamPublisher;
  private readonly consumers = new Set<JetStreamConsumer>();
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(private readonly options: NatsJetStreamTransportOptions = {}) {
    const common = resolveCommon(options, 'NatsJetStreamTransport');
    this.logger = options.logger ?? new NestMessageLogger('SmartMessage:NatsJetStream');
    this.codec = options.codec ?? new CloudEventsFrameCodec();
    this.maxFrameBytes = frameLimitOption(options.maxFrameBytes, 'NatsJetStreamTransport');
    this.connectTimeoutMs = common.connectTimeoutMs;
    this.topology = new NatsTopology(common.prefix);
    this.maxDeliveries = positiveInteger(options.maxDeliveries ?? 5, 'maxDeliveries', 'NatsJetStreamTransport');
    this.ackWaitMs = positiveInteger(options.ackWaitMs ?? 30_000, 'ackWaitMs', 'NatsJetStreamTransport');
    this.maxAckPending = positiveInteger(options.maxAckPending ?? 1000, 'maxAckPending', 'NatsJetStreamTransport');
    this.pullExpiresMs = positiveInteger(options.pullExpiresMs ?? 30_000, 'pullExpiresMs', 'NatsJetStreamTransport');
    this.startFrom = options.startFrom ?? 'new';
    if (this.startFrom !== 'new' && this.startFrom !== 'all')
      throw new InvalidOptionError('NatsJetStreamTransport', 'startFrom', this.startFrom, "'new' or 'all'");
    this.onDrift = options.onConsumerDrift ?? 'fail';
    if (!['fail', 'warn', 'update'].includes(this.onDrift))
      throw new InvalidOptionError(
        'NatsJetStreamTransport',
        'onConsumerDrift',
        this.onDrift,
        "'fail', 'warn' or 'update'",
      );
    this.redelivery = {
      baseMs: options.redelivery?.baseMs ?? 200,
      maxMs: options.redelivery?.maxMs ?? 10_000,
      jitter: false,
    };
    this.connection = new ManagedNatsConnection(parseNatsUrl(common.url), common.connection, this.logger);
    const stream = options.stream ?? {};
    this.streams = new StreamSetup(() => this.manager(), {
      maxAgeMs: stream.maxAgeMs ?? 0,
      maxMessages: stream.maxMessages ?? -1,
      maxBytes: stream.maxBytes ?? -1,
      replicas: stream.replicas ?? 1,
      duplicateWindowMs: stream.duplicateWindowMs ?? 120_000,
      // A dead letter copy carries headers beside the frame: room for them.
      maxMessageBytes: this.maxFrameBytes + 16 * 1024,
    });
    this.publisher = new JetStreamPublisher(
      this.connection,
      () => this.client(),
      this.streams,
      common.publishTimeoutMs,
      common.maxBufferedPublishes,
    );
  }

  /** The subject a message class travels on, as the AsyncAPI channel address. */
  addressOf(messageClass: string): string {
    return this.topology.subjectOf(messageClass);
  }

  streamOf(messageClass: string): string {
    return this.topology.streamOf(messageClass);
  }

  /** The durable consumer of a subscribing service (`group`) for a message class. */
  consumerOf(group: string, messageClass: string): string {
    return this.topology.consumerOf(group, messageClass);
  }

  /** Connects within `connectTimeoutMs` and checks that the server runs JetStream; idempotent. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new TransportClosedError(this.kind));
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async publish(envelope: Envelope): Promise<void> {
    if (this.closing) throw new TransportClosedError(this.kind);
    const { messageClass, uuid } = envelope.header;
    const subject = this.topology.subjectOf(messageClass);
    const frame = this.codec.encode(envelope);
    assertFrameSize(frame, this.maxFrameBytes, this.kind, messageClass);
    await this.start();
    await this.publisher.publish({ subject, stream: this.topology.streamOf(messageClass) }, bytesOf(frame), uuid);
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
    const stream = this.topology.streamOf(messageClass);
    const durable = this.topology.consumerOf(options.group, messageClass);
    await this.start();
    if (options.group === 'default')
      this.logger.warn(
        `subscribing to ${messageClass} in group 'default': services without an entity share consumer ${durable} and split its messages`,
      );
    await this.streams.ensure(stream, [subject]);
    await this.streams.ensure(this.topology.deadLetterStream, [this.topology.deadLetterSubjects]);
    const consumer = new JetStreamConsumer(
      {
        js: () => this.client(),
        jsm: () => this.manager(),
        messageClass,
        stream,
        settings: {
          durable,
          filterSubject: subject,
          ackWaitMs: this.ackWaitMs,
          maxDeliver: this.maxDeliveries + 1,
          // Concurrency 1 means order: one message out at a time across every instance.
          maxAckPending: options.concurrency === 1 ? 1 : this.maxAckPending,
          startFrom: this.startFrom,
        },
        description: describeConsumer(options.group, messageClass),
        onDrift: this.onDrift,
        codec: () => this.codec,
        maxFrameBytes: this.maxFrameBytes,
        maxDeliveries: this.maxDeliveries,
        redelivery: this.redelivery,
        pullExpiresMs: this.pullExpiresMs,
        deadLetter: (copy) => this.deadLetter(options.group, messageClass, stream, copy),
        logger: this.logger,
      },
      options,
      handler,
    );
    await consumer.start();
    this.consumers.add(consumer);
    return {
      unsubscribe: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
      // Deliveries given up on are given back to the server for another instance.
      abandon: () => consumer.abandon(),
    };
  }

  status(): NatsJetStreamStatus {
    return {
      ...this.connection.status(),
      subscriptions: [...this.consumers].map((consumer) => consumer.status()),
    };
  }

  /**
   * Reads every subscription's consumer from the server (a real round trip): down when the
   * connection is not up, a subscription is not pulling, a consumer cannot be read, or its
   * backlog is above `limits` (`maxLag` against `num_pending`, `maxPending` against `num_ack_pending`).
   */
  async health(timeoutMs: number, limits: TransportHealthLimits = {}): Promise<TransportHealth> {
    const status = this.status();
    if (this.closing) return { up: false, details: { ...status, problems: ['closed'] } };
    const problems: string[] = [];
    if (status.connection !== 'connected') problems.push(`connection ${status.connection}`);
    for (const subscription of status.subscriptions)
      if (!subscription.consuming)
        problems.push(`consumer ${subscription.consumer} of ${subscription.stream} is not pulling`);
    const backlogs: QueueBacklog[] = [];
    if (status.connection === 'connected') {
      try {
        await withTimeout(
          (async () => {
            const jsm = await this.manager();
            if (status.subscriptions.length === 0) await jsm.getAccountInfo();
            for (const subscription of status.subscriptions) {
              const info = await jsm.consumers.info(subscription.stream, subscription.consumer);
              const backlog = backlogOf(info, subscription);
              if (backlog) backlogs.push(backlog);
            }
          })(),
          timeoutMs,
          `NATS did not answer within ${timeoutMs} ms`,
        );
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const backlog of backlogs) problems.push(...backlogProblems(backlog, limits));
    return { up: problems.length === 0, details: { ...status, backlogs, problems } };
  }

  /** Every consumer of every stream of this prefix, with its `num_pending` and `num_ack_pending`. */
  async backlog(timeoutMs: number): Promise<QueueBacklog[]> {
    await this.start();
    return withTimeout(
      (async () => allBacklogs(await this.manager(), this.topology.streamPrefix, this.topology.deadLetterStream))(),
      timeoutMs,
      `NATS did not list the consumers within ${timeoutMs} ms`,
    );
  }

  /**
   * Stops every pull, waits for the handlers that run (each acknowledged as it ends), flushes
   * the acknowledgements and closes the connection, each wait bounded so close always ends.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      const consumers = [...this.consumers];
      this.consumers.clear();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      if (this.connection.isConnected())
        await withTimeout(this.connection.client.flush(), 2000, 'flush').catch(() => undefined);
      await this.connection.close();
    })();
    return this.closing;
  }

  private async connect(): Promise<void> {
    const { host, port } = this.connection.endpoint;
    const nc = await this.connection.open(this.connectTimeoutMs);
    try {
      this.jsm = await jetstreamManager(nc, { timeout: this.connectTimeoutMs });
      this.js = jetstream(nc, { timeout: this.connectTimeoutMs });
    } catch (cause) {
      await this.connection.close();
      const failure = /not enabled|503|no responders/i.test(String((cause as Error).message))
        ? 'no-jetstream'
        : 'unreachable';
      throw new NatsConnectionError({ host, port }, failure, 'checking JetStream', this.connectTimeoutMs, { cause });
    }
  }

  private client(): JetStreamClient {
    if (!this.js) throw new TransportClosedError(this.kind);
    return this.js;
  }

  private async manager(): Promise<JetStreamManager> {
    await this.start();
    if (!this.jsm) throw new TransportClosedError(this.kind);
    return this.jsm;
  }

  private async deadLetter(group: string, messageClass: string, stream: string, copy: DeadLetterCopy): Promise<void> {
    const headers = natsHeaders();
    headers.set(DEAD_LETTER_HEADERS.reason, copy.reason);
    headers.set(DEAD_LETTER_HEADERS.error, headerValue(copy.error.message));
    headers.set(DEAD_LETTER_HEADERS.group, headerValue(group));
    headers.set(DEAD_LETTER_HEADERS.messageClass, headerValue(messageClass));
    headers.set(DEAD_LETTER_HEADERS.attempt, String(copy.attempt));
    headers.set(DEAD_LETTER_HEADERS.stream, stream);
    headers.set(DEAD_LETTER_HEADERS.streamSequence, String(copy.streamSequence));
    headers.set(DEAD_LETTER_HEADERS.receivedBytes, String(copy.receivedBytes));
    await this.publisher.publish(
      { subject: this.topology.deadLetterSubjectOf(messageClass), stream: this.topology.deadLetterStream },
      copy.frame,
      // One copy per message and group, however often the copy is retried.
      `dead-letter:${stream}:${copy.streamSequence}:${group}`,
      headers,
    );
  }
}

function bytesOf(frame: string | Uint8Array): Uint8Array {
  return typeof frame === 'string' ? Buffer.from(frame) : frame;
}

/** Header values are one line of bounded length: a sender's error text cannot break the frame. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').slice(0, 1024);
}
