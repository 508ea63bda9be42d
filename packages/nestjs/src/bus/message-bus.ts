import { MessageCatalog } from '../catalog/message-catalog';
import { MessageTypeRegistry, messageTypeRegistry } from '../catalog/message-type-registry';
import { SerializerRegistry } from '../codec/serializer-registry';
import { PayloadCodec } from '../codec/chain/payload-codec';
import { StageRegistry } from '../codec/chain/stage-registry';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from '../constants';
import { Dispatcher } from '../dispatcher/dispatcher';
import { InFlightDelivery } from '../dispatcher/in-flight-deliveries';
import { MessageContext } from '../context/message-context';
import { HandlerRegistrationError } from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import { MessageHeader } from '../interfaces/message-header.interface';
import { MessageInstance } from '../interfaces/message-instance.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { MessageType } from '../interfaces/message-type.interface';
import { PublishOptions, RequestOptions } from '../interfaces/publish-options.interface';
import { SubscribeOptions } from '../interfaces/subscribe-options.interface';
import { namedTransportError } from '../transports/named-transport-error';
import { Transport } from '../transports/transport.interface';
import { CircuitBreakerRegistry } from '../reliability/circuit-breaker/circuit-breaker-registry';
import { PublishBreaker } from '../reliability/circuit-breaker/publish-breaker';
import { MessageStatistics } from '../statistics/message-statistics';
import { MessageValidator } from '../validation/message-validator';
import { BusLifecycle } from './bus-lifecycle';
import { BusTransports } from './bus-transports';
import { HandlerRegistrar, MessageHandlerRegistration } from './handler-registrar';
import { MessageBusOptions } from './message-bus-options.interface';
import { Publisher } from './publisher';
import { RequestReply } from './request-reply';
import { logRoutingTable, RouteDescription, routesOf } from './routing-table';
import { ShutdownReport } from './shutdown-report.interface';
import { BusSecurity } from '../security/bus-security';
import { TransportSubscriptions } from './transport-subscriptions';

const silentLogger: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes, requests and subscribes. Nest-free: the Nest module builds one per application,
 * and tests or scripts can build their own. A façade: publishing, request–reply, handler
 * registration, transport subscriptions and the dispatcher are parts of their own, and this
 * class wires them together, starts them and shuts them down in order.
 */
export class MessageBus {
  readonly statistics: MessageStatistics;
  readonly serializers: SerializerRegistry;
  /** The serializer chains' runner: encodes on publish, decodes (and refuses chains a class does not accept) on receipt. */
  readonly payloads: PayloadCodec;
  /** The bus's dispatcher; plugins use `inFlightCount`, `inFlightDeliveries()` and `idle()` instead. */
  readonly dispatcher: Dispatcher;
  /** Named circuit breakers of handlers and transports. */
  readonly circuitBreakers: CircuitBreakerRegistry;
  private readonly registry: MessageTypeRegistry;
  private readonly log: MessageLogger;
  private readonly transports: BusTransports;
  private readonly lifecycle = new BusLifecycle();
  private readonly publisher: Publisher;
  private readonly publishBreaker?: PublishBreaker;
  private readonly subscriptions: TransportSubscriptions;
  private readonly handlers: HandlerRegistrar;
  private readonly requests: RequestReply;
  /** Signing, verification, replay protection and the audit channel; `security.reload()` re-reads keys. */
  readonly security: BusSecurity;
  /** The message types, with what this bus handles and publishes: `catalog.toAsyncApi()`. */
  readonly catalog: MessageCatalog;

  constructor(
    private readonly options: MessageBusOptions = {},
    registry: MessageTypeRegistry = messageTypeRegistry,
  ) {
    this.registry = registry;
    // Rows and metric labels only for this registry's types: a frame's type is the sender's to choose.
    this.statistics = new MessageStatistics(registry);
    this.log = options.logger ?? silentLogger;
    this.serializers = new SerializerRegistry(options.serializers);
    const stages = new StageRegistry(options.stages);
    this.security = new BusSecurity(options.security, stages, this.log, options.observers ?? []);
    this.payloads = new PayloadCodec(this.serializers, stages, {
      serializer: options.serializer,
      acceptSerializers: options.acceptSerializers,
    });
    const validator = new MessageValidator(options.validatorOptions, options.unknownProperties);
    this.transports = new BusTransports(options.transports, options.defaultTransport);
    // Frames label each payload with its own serializer's content type, not always JSON.
    const contentTypeOf = (serializer: string): string | undefined => this.payloads.contentTypeOf(serializer);
    for (const transport of this.transports.all()) transport.useContentTypes?.(contentTypeOf);
    this.circuitBreakers = new CircuitBreakerRegistry(this.log, options.circuitBreakerStore);
    this.dispatcher = new Dispatcher({
      payloads: this.payloads,
      validator,
      statistics: this.statistics,
      logger: this.log,
      validateOnReceive: options.validateOnReceive ?? true,
      onUndeliverable: options.onUndeliverable,
      observers: options.observers,
      security: this.security.receive,
      audit: this.security.audit,
      messageTypes: registry,
    });
    if (options.publishCircuitBreaker) {
      this.publishBreaker = new PublishBreaker(
        options.publishCircuitBreaker,
        this.circuitBreakers,
        (error, name, envelope) => this.dispatcher.reportUnsent('circuit-open', error, name, envelope),
      );
    }
    this.publisher = new Publisher({
      options,
      registry,
      transports: this.transports,
      lifecycle: this.lifecycle,
      payloads: this.payloads,
      validator,
      statistics: this.statistics,
      log: this.log,
      observers: options.observers ?? [],
      breaker: this.publishBreaker,
      outbox: options.outbox,
      security: this.security,
    });
    this.subscriptions = new TransportSubscriptions(options, this.transports, this.dispatcher, this.circuitBreakers);
    this.handlers = new HandlerRegistrar({
      options,
      registry,
      transports: this.transports,
      lifecycle: this.lifecycle,
      dispatcher: this.dispatcher,
      subscriptions: this.subscriptions,
      publisher: this.publisher,
    });
    this.requests = new RequestReply(registry, this.publisher, this.handlers, this.log);
    this.catalog = new MessageCatalog(registry, options.serializer, () => ({
      entity: options.entity,
      transports: this.transports.names().map((name) => {
        const transport = this.transports.get(name);
        return { name, kind: transport.kind, addressOf: transport.addressOf?.bind(transport) };
      }),
      handlers: this.dispatcher
        .handlers()
        .filter((handler) => handler.replyListener !== true)
        .map(({ id, messageType, transport, replyType }) => ({ id, messageType, transport, replyType })),
      transportOf: (type) => type.transport ?? this.transports.defaultName,
      contentTypeOf: (serializer) => this.payloads.contentTypeOf(serializer),
      unknownProperties: options.unknownProperties,
    }));
    if (options.publishes) this.catalog.declarePublisher(options.entity ?? 'service', options.publishes);
  }

  /** Where the library logs; enhancers such as retry and circuit breakers log here too. */
  get logger(): MessageLogger {
    return this.log;
  }

  /** `open` until shutdown begins, `draining` while handlers finish, `closed` once transports close. */
  get lifecycleState(): 'open' | 'draining' | 'closed' {
    return this.lifecycle.state;
  }

  /** How many handler calls are queued or running: what health checks and metrics report. */
  get inFlightCount(): number {
    return this.dispatcher.inFlightCount;
  }

  /** The handler calls queued or running, each with its handler, message and state. */
  inFlightDeliveries(): InFlightDelivery[] {
    return this.dispatcher.inFlightDeliveries();
  }

  /** Resolves when no handler call is queued or running. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /** True from the start of shutdown on: the instance should take no new work. */
  get isDraining(): boolean {
    return this.lifecycle.state !== 'open';
  }

  /** This service's name, as configured (`MessageBusOptions.entity`). */
  get entity(): string | undefined {
    return this.options.entity;
  }

  /** The configured transport of this name; throws `UnknownTransportError` when there is none. */
  transport(name: string): Transport {
    return this.transports.get(name);
  }

  /** The names of the configured transports. */
  transportNames(): string[] {
    return this.transports.names();
  }

  /** Name of the transport a message type travels on. */
  transportOf(type: MessageType): string {
    return this.registry.get(type).transport ?? this.transports.defaultName;
  }

  /**
   * Validates the message and its header, then hands it to its transport. Resolves with the
   * header once the transport took it; rejects with `MessageValidationError` (nothing sent).
   */
  publish(message: MessageInstance, options: PublishOptions = {}): Promise<MessageHeader> {
    return this.publisher.publish(message, options);
  }

  /**
   * Publishes several messages in their order, with the same options. Every message is validated
   * and encoded first: one invalid, and none is sent (`MessageValidationError`). A transport with
   * `publishBatch` (PostgreSQL) takes each run of messages bound for it in one call, all or
   * nothing; on the others they are published one by one, so a failure part-way leaves the
   * earlier ones sent. Resolves with the headers, in order.
   */
  publishAll(messages: readonly MessageInstance[], options: PublishOptions = {}): Promise<MessageHeader[]> {
    return this.publisher.publishAll(messages, options);
  }

  /**
   * Publishes a message and resolves with the reply its handler returns: an instance of
   * `replyType` whose `correlationId` is this message's uuid. Rejects with `RequestTimeoutError`.
   */
  request<R extends object>(message: MessageInstance, options: RequestOptions<R>): Promise<R> {
    return this.requests.request(message, options);
  }

  /**
   * Subscribes a callback outside any provider; resolves with a function that unsubscribes it.
   * Callbacks take the same filters and concurrency as `@Subscribe`.
   */
  subscribe<T extends object>(
    type: MessageType<T>,
    handler: (message: T, context: MessageContext) => unknown,
    options: SubscribeOptions<T> = {},
  ): Promise<() => Promise<void>> {
    return this.handlers.addCallback(type, handler, options);
  }

  /**
   * Sends an envelope as it is (same uuid, header and payload) through a transport: how a dead
   * letter is replayed to every subscriber. Default: the transport its message type travels on.
   */
  publishEnvelope(envelope: Envelope, transportName?: string): Promise<void> {
    return this.publisher.republish(envelope, transportName);
  }

  /**
   * Hands an envelope straight to one handler, past its filters (replay of a dead letter to the
   * handler that failed on it). Resolves when the handler succeeded; rejects with its failure.
   */
  async deliverTo(handlerId: string, envelope: Envelope, transportName?: string): Promise<void> {
    const handler = this.dispatcher.handlers().find((candidate) => candidate.id === handlerId);
    if (!handler) throw new HandlerRegistrationError(handlerId, 'no handler with this id is registered');
    const result = await this.dispatcher.dispatch(
      envelope,
      transportName ?? handler.transport,
      { attempt: 1 },
      { handlerId },
    );
    await Promise.all(result.recorded);
    const failure = result.failed[0] ?? result.deferred[0];
    if (failure) throw failure.error;
  }

  /** Registers a handler; transports start delivering to it once the bus has started. */
  addHandler<T extends object>(registration: MessageHandlerRegistration<T>): Promise<() => Promise<void>> {
    return this.handlers.add(registration);
  }

  /** Starts transport subscriptions for every registered handler and logs the routing table once. */
  async start(): Promise<void> {
    if (this.lifecycle.started) return;
    this.lifecycle.started = true;
    this.registry.assertUnambiguous(this.dispatcher.handlers().map((handler) => handler.messageType.target));
    // A handled class whose chain names an unregistered stage fails here, not on its first message.
    for (const handler of this.dispatcher.handlers()) this.payloads.chainOf(handler.messageType);
    // Every transport connects first, whether or not it has handlers: publishers need it too.
    await Promise.all(
      this.transports.names().map((name) =>
        Promise.resolve(this.transports.get(name).start?.()).catch((error: unknown) => {
          throw namedTransportError(error, name);
        }),
      ),
    );
    // One subscription per transport and type: handlers that share one share its `ready`.
    await Promise.all(
      this.dispatcher
        .handlers()
        .map((handler) => this.subscriptions.ensure(handler.transport, handler.messageType.name)),
    );
    // After the transports: the relay publishes through them.
    await this.options.outbox?.start?.({
      publishEnvelope: (envelope, transportName) => this.publishEnvelope(envelope, transportName),
      reportUnsent: (envelope, transportName, error) =>
        this.dispatcher.reportUnsent('unsent', error, transportName, envelope),
    });
    logRoutingTable(this.log, this.routes());
  }

  /** The routing table: one row per handler registered by users. */
  routes(): RouteDescription[] {
    return routesOf(this.dispatcher.handlers());
  }

  /**
   * Graceful shutdown: stop taking messages, let handlers finish up to the timeout, report and
   * abandon what did not, then close the transports. Publishing still works while draining.
   */
  async shutdown(
    timeoutMs: number = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
  ): Promise<ShutdownReport> {
    if (this.lifecycle.state !== 'open') return { drained: true, unfinished: [] };
    this.lifecycle.state = 'draining';
    const subscriptions = await this.subscriptions.takeAll();
    const drained = await withinTimeout(
      Promise.all(subscriptions.map((subscription) => subscription.unsubscribe())).then(() => this.dispatcher.idle()),
      timeoutMs,
    );
    if (!drained) for (const subscription of subscriptions) subscription.abandon?.();
    const unfinished = drained ? [] : this.dispatcher.abandonInFlight();
    if (unfinished.length > 0) {
      const running = unfinished.filter((call) => call.state === 'running').length;
      this.log.error(
        `Shutdown timed out after ${timeoutMs} ms; ${unfinished.length} handler call(s) did not finish: ` +
          `${unfinished.length - running} queued call(s) given up and never started, ` +
          `${running} running call(s) left to end on their own`,
        { unfinished },
      );
    }
    this.requests.rejectAll();
    // Before the transports close: a relay mid-publish finishes, and what it did not send stays in its table.
    await this.options.outbox?.close?.();
    await this.publishBreaker?.settle();
    this.lifecycle.state = 'closed';
    // Whatever a transport still hands over from here on starts no handler.
    this.dispatcher.stop();
    await withinTimeout(
      Promise.all(this.transports.all().map((transport) => transport.close())),
      drained ? timeoutMs : 0,
    );
    return { drained, unfinished };
  }
}

async function withinTimeout(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
