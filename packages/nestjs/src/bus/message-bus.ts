import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { MessageTypeRegistry, messageTypeRegistry } from '../catalog/message-type-registry';
import { SerializerRegistry } from '../codec/serializer-registry';
import {
  DEFAULT_HANDLER_CONCURRENCY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_TRANSPORT_NAME,
} from '../constants';
import { Dispatcher } from '../dispatcher/dispatcher';
import { InFlightDelivery } from '../dispatcher/in-flight-deliveries';
import { HandlerDefinition } from '../dispatcher/handler-definition.interface';
import { createHeader } from '../envelope/header-factory';
import { MessageContext } from '../envelope/message-context';
import {
  BusClosedError,
  CircuitOpenError,
  HandlerRegistrationError,
  MessageValidationError,
  MisroutedMessageError,
  RequestTimeoutError,
  SmartMessageError,
  UnexpectedReplyError,
  UnknownTransportError,
} from '../errors';
import { SubscriptionFilter } from '../filters/subscription-filter';
import { Envelope } from '../interfaces/envelope.interface';
import { MessageHeader } from '../interfaces/message-header.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { MessageObserver } from '../interfaces/message-observer.interface';
import { MessageInstance } from '../interfaces/message-instance.interface';
import { MessageType } from '../interfaces/message-type.interface';
import { PublishOptions, RequestOptions } from '../interfaces/publish-options.interface';
import { SubscribeOptions } from '../interfaces/subscribe-options.interface';
import { Transport, TransportSubscription } from '../interfaces/transport.interface';
import { MessageStatistics } from '../statistics/message-statistics';
import { MemoryTransport } from '../transports/memory.transport';
import { debugEnabled } from '../util/debug-logging';
import { isThenable } from '../util/promises';
import { headerViolations } from '../validation/header-validator';
import { MessageValidator } from '../validation/message-validator';
import {
  CircuitBreakerRegistry,
  DEFAULT_HALF_OPEN_AFTER_MS,
} from '../reliability/circuit-breaker/circuit-breaker-registry';
import { PublishOutbox } from '../reliability/circuit-breaker/publish-outbox';
import { currentMessage } from './conversation';
import { MessageBusOptions } from './message-bus-options.interface';
import { ShutdownReport } from './shutdown-report.interface';

/** A handler for `MessageBus.addHandler`: discovered `@Subscribe` methods and `bus.subscribe` callbacks. */
export interface MessageHandlerRegistration<T extends object = object> {
  id: string;
  type: MessageType<T>;
  options?: SubscribeOptions;
  invoke(message: T, context: MessageContext): unknown;
}

/** The routing table row of one handler, as logged at startup. */
export interface RouteDescription {
  messageClass: string;
  version: number;
  handlerId: string;
  filter: string;
  transport: string;
  concurrency: number;
}

interface PendingRequest {
  readonly replyType: MessageTypeMetadata;
  /** Senders whose reply is accepted; undefined: any sender. */
  readonly replyFrom?: readonly string[];
  resolve(reply: object): void;
  reject(error: Error): void;
}

interface SealedMessage {
  readonly metadata: MessageTypeMetadata;
  readonly envelope: Envelope;
}

interface ActiveSubscription {
  readonly ready: Promise<TransportSubscription>;
}

type BusState = 'open' | 'draining' | 'closed';

const silentLogger: MessageLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes, requests and subscribes. Nest-free: the Nest module builds one per application,
 * and tests or scripts can build their own.
 */
export class MessageBus {
  readonly statistics: MessageStatistics;
  readonly serializers: SerializerRegistry;
  /** The bus's dispatcher; plugins use `inFlightCount`, `inFlightDeliveries()` and `idle()` instead. */
  readonly dispatcher: Dispatcher;
  /** Named circuit breakers of handlers and transports. */
  readonly circuitBreakers: CircuitBreakerRegistry;
  private readonly registry: MessageTypeRegistry;
  private readonly validator: MessageValidator;
  private readonly log: MessageLogger;
  private readonly transports: ReadonlyMap<string, Transport>;
  private readonly defaultTransport: string;
  /** By transport name, then message type. */
  private readonly subscriptions = new Map<string, Map<string, ActiveSubscription>>();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly replyListeners = new Set<MessageTypeMetadata>();
  /** Reply types already warned about accepting any sender. */
  private readonly unguardedReplyTypes = new Set<MessageTypeMetadata>();
  private readonly handlerIds = new Set<string>();
  private readonly outboxes = new Map<string, PublishOutbox>();
  private readonly observers: readonly MessageObserver[];
  private nextCallbackId = 1;
  private started = false;
  private state: BusState = 'open';

  constructor(
    private readonly options: MessageBusOptions = {},
    registry: MessageTypeRegistry = messageTypeRegistry,
  ) {
    this.registry = registry;
    // Rows and metric labels only for this registry's types: a frame's type is the sender's to choose.
    this.statistics = new MessageStatistics(registry);
    this.log = options.logger ?? silentLogger;
    this.observers = options.observers ?? [];
    this.serializers = new SerializerRegistry(options.serializers);
    this.validator = new MessageValidator(options.validatorOptions, options.unknownProperties);
    const transports = options.transports ?? { [DEFAULT_TRANSPORT_NAME]: new MemoryTransport() };
    this.transports = new Map(Object.entries(transports));
    // Frames label each payload with its own serializer's content type, not always JSON.
    const contentTypeOf = (serializer: string): string | undefined =>
      this.serializers.has(serializer) ? this.serializers.get(serializer).contentType : undefined;
    for (const transport of this.transports.values()) transport.useContentTypes?.(contentTypeOf);
    const names = [...this.transports.keys()];
    this.defaultTransport = options.defaultTransport ?? (names[0] as string);
    if (!this.transports.has(this.defaultTransport)) throw new UnknownTransportError(this.defaultTransport, names);
    this.circuitBreakers = new CircuitBreakerRegistry(this.log, options.circuitBreakerStore);
    this.dispatcher = new Dispatcher({
      serializers: this.serializers,
      validator: this.validator,
      statistics: this.statistics,
      logger: this.log,
      validateOnReceive: options.validateOnReceive ?? true,
      onUndeliverable: options.onUndeliverable,
      observers: options.observers,
      messageTypes: registry,
    });
  }

  /** Where the library logs; enhancers such as retry and circuit breakers log here too. */
  get logger(): MessageLogger {
    return this.log;
  }

  /** `open` until shutdown begins, `draining` while handlers finish, `closed` once transports close. */
  get lifecycleState(): 'open' | 'draining' | 'closed' {
    return this.state;
  }

  /** True from the start of shutdown on: the instance should take no new work. */
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

  get isDraining(): boolean {
    return this.state !== 'open';
  }

  get entity(): string | undefined {
    return this.options.entity;
  }

  transport(name: string): Transport {
    const transport = this.transports.get(name);
    if (!transport) throw new UnknownTransportError(name, [...this.transports.keys()]);
    return transport;
  }

  transportNames(): string[] {
    return [...this.transports.keys()];
  }

  /** Name of the transport a message type travels on. */
  transportOf(type: MessageType): string {
    return this.registry.get(type).transport ?? this.defaultTransport;
  }

  /**
   * Validates the message and its header, then hands it to its transport. Resolves with the
   * header once the transport took it; rejects with `MessageValidationError` (nothing sent).
   */
  publish(message: MessageInstance, options: PublishOptions = {}): Promise<MessageHeader> {
    // Not `async`: every promise layer costs on the hot path, so errors become rejections by hand.
    try {
      return this.send(this.seal(message, options));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * Publishes a message and resolves with the reply its handler returns: an instance of
   * `replyType` whose `correlationId` is this message's uuid. Rejects with `RequestTimeoutError`.
   */
  async request<R extends object>(message: MessageInstance, options: RequestOptions<R>): Promise<R> {
    const replyType = this.registry.get(options.replyType);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    await this.listenForReplies(replyType);
    const sealed = this.seal(message, options);
    const { uuid, messageClass, to } = sealed.envelope.header;
    const replyFrom = this.acceptedRepliers(options.replyFrom, to, replyType);
    const reply = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(uuid);
        reject(new RequestTimeoutError(messageClass, uuid, timeoutMs));
      }, timeoutMs);
      this.pending.set(uuid, {
        replyType,
        replyFrom,
        resolve: (value) => {
          clearTimeout(timer);
          this.pending.delete(uuid);
          resolve(value as R);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.pending.delete(uuid);
          reject(error);
        },
      });
    });
    try {
      await this.send(sealed);
    } catch (error) {
      this.pending.get(uuid)?.reject(error as Error);
    }
    return reply;
  }

  /**
   * Subscribes a callback outside any provider; resolves with a function that unsubscribes it.
   * Callbacks take the same filters and concurrency as `@Subscribe`.
   */
  async subscribe<T extends object>(
    type: MessageType<T>,
    handler: (message: T, context: MessageContext) => unknown,
    options: SubscribeOptions = {},
  ): Promise<() => Promise<void>> {
    const name = this.registry.find(type)?.name ?? type.name;
    return this.addHandler({ id: `${name}.subscriber_${this.nextCallbackId++}`, type, options, invoke: handler });
  }

  /**
   * Sends an envelope as it is (same uuid, header and payload) through a transport: how a dead
   * letter is replayed to every subscriber. Default: the transport its message type travels on.
   */
  async publishEnvelope(envelope: Envelope, transportName?: string): Promise<void> {
    if (this.state === 'closed') throw new BusClosedError('the message bus is closed');
    const name = transportName ?? this.transportOfEnvelope(envelope);
    await this.observedSend(name, envelope);
    this.statistics.countPublished(envelope.header.messageClass, name);
    if (debugEnabled(this.log)) {
      this.log.debug(`Republished ${envelope.header.messageClass}`, { ...envelope.header, transport: name });
    }
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
  async addHandler<T extends object>(registration: MessageHandlerRegistration<T>): Promise<() => Promise<void>> {
    this.assertOpenForHandlers();
    return this.register(this.define(registration));
  }

  private assertOpenForHandlers(): void {
    if (this.state !== 'open') throw new BusClosedError('the message bus is shutting down and takes no new handlers');
  }

  private async register(definition: HandlerDefinition): Promise<() => Promise<void>> {
    this.assertOpenForHandlers();
    // Before start, start() checks every handled type at once.
    if (this.started) this.registry.assertUnambiguous([definition.messageType.target]);
    this.handlerIds.add(definition.id);
    const remove = this.dispatcher.add(definition);
    if (this.started) {
      try {
        await this.ensureSubscription(definition.transport, definition.messageType.name);
      } catch (error) {
        // Not subscribed means not registered: a later attempt starts clean.
        remove();
        this.handlerIds.delete(definition.id);
        throw error;
      }
    }
    return async () => {
      remove();
      this.handlerIds.delete(definition.id);
      await this.releaseSubscription(definition.transport, definition.messageType.name);
    };
  }

  /** Starts transport subscriptions for every registered handler and logs the routing table once. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.registry.assertUnambiguous(this.dispatcher.handlers().map((handler) => handler.messageType.target));
    // Every transport connects first, whether or not it has handlers: publishers need it too.
    await Promise.all([...this.transports.values()].map((transport) => transport.start?.()));
    // One subscription per transport and type: handlers that share one share its `ready`.
    await Promise.all(
      this.dispatcher.handlers().map((handler) => this.ensureSubscription(handler.transport, handler.messageType.name)),
    );
    const routes = this.routes();
    this.log.log(
      `Routing table (${routes.length} handler${routes.length === 1 ? '' : 's'}):` +
        routes
          .map(
            (r) =>
              `\n  ${r.messageClass} v${r.version} -> ${r.handlerId} [${r.filter}] via ${r.transport}, concurrency ${r.concurrency}`,
          )
          .join(''),
      { routes },
    );
  }

  routes(): RouteDescription[] {
    return this.dispatcher
      .handlers()
      .filter((handler) => handler.replyListener !== true)
      .map((handler) => ({
        messageClass: handler.messageType.name,
        version: handler.messageType.version,
        handlerId: handler.id,
        filter: handler.filter.toString(),
        transport: handler.transport,
        concurrency: handler.concurrency,
      }));
  }

  /**
   * Graceful shutdown: stop taking messages, let handlers finish up to the timeout, report and
   * abandon what did not, then close the transports. Publishing still works while draining.
   */
  async shutdown(
    timeoutMs: number = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
  ): Promise<ShutdownReport> {
    if (this.state !== 'open') return { drained: true, unfinished: [] };
    this.state = 'draining';
    const subscriptions = (
      await Promise.allSettled(
        [...this.subscriptions.values()].flatMap((byType) => [...byType.values()].map((active) => active.ready)),
      )
    )
      .filter((settled) => settled.status === 'fulfilled')
      .map((settled) => settled.value);
    this.subscriptions.clear();
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
    for (const request of this.pending.values())
      request.reject(new BusClosedError('the message bus shut down before a reply came'));
    await this.settleOutboxes();
    this.state = 'closed';
    // Whatever a transport still hands over from here on starts no handler.
    this.dispatcher.stop();
    await withinTimeout(
      Promise.all([...this.transports.values()].map((transport) => transport.close())),
      drained ? timeoutMs : 0,
    );
    return { drained, unfinished };
  }

  private seal(message: object, options: PublishOptions): SealedMessage {
    if (this.state === 'closed') throw new BusClosedError('the message bus is closed');
    const metadata = this.registry.ofMessage(message);
    if (metadata.transport !== undefined && !this.transports.has(metadata.transport)) {
      throw new UnknownTransportError(metadata.transport, [...this.transports.keys()], metadata.name);
    }
    const conversation = currentMessage.getStore();
    const header = createHeader(
      metadata,
      conversation
        ? { correlationId: conversation.correlationId ?? conversation.uuid, causationId: conversation.uuid, ...options }
        : options,
      this.options.entity,
    );
    const inHeader = headerViolations(header);
    const inPayload =
      (this.options.validateOnPublish ?? true) ? this.validator.violations(message, metadata.target) : [];
    if (inHeader.length > 0 || inPayload.length > 0) {
      throw new MessageValidationError(metadata.name, [...inHeader, ...inPayload]);
    }
    return { metadata, envelope: { header, payload: this.serializers.get(metadata.serializer).encode(message) } };
  }

  /** Resolves with the header as sent once the transport took the envelope. */
  private send({ metadata, envelope: sealed }: SealedMessage): Promise<MessageHeader> {
    const name = metadata.transport ?? this.defaultTransport;
    const sent = (envelope: Envelope): MessageHeader => {
      this.statistics.countPublished(metadata.name, name);
      if (debugEnabled(this.log)) {
        this.log.debug(`Published ${metadata.name}`, { ...envelope.header, transport: name });
      }
      return envelope.header;
    };
    if (this.observers.length > 0 || this.options.publishCircuitBreaker) {
      return this.observedSend(name, sealed).then(sent);
    }
    // A transport typed loosely (a test double) may answer without a promise.
    const published: Promise<void> | void = this.transport(name).publish(sealed);
    return (published instanceof Promise ? published : Promise.resolve(published)).then(() => sent(sealed));
  }

  /** Lets observers see (and, e.g. for trace context, amend) a message on its way to its transport. */
  private async observedSend(transportName: string, envelope: Envelope): Promise<Envelope> {
    const observers = this.observers;
    let sent = envelope;
    for (const observer of observers) sent = observer.beforePublish?.(sent, transportName) ?? sent;
    try {
      await this.hand(transportName, sent);
    } catch (error) {
      for (const observer of observers) observer.afterPublish?.(sent, transportName, error as Error);
      throw error;
    }
    for (const observer of observers) observer.afterPublish?.(sent, transportName);
    return sent;
  }

  /** Hands an envelope to a transport, through its publish circuit breaker when one is configured. */
  private async hand(transportName: string, envelope: Envelope): Promise<void> {
    const transport = this.transport(transportName);
    const breaker = this.options.publishCircuitBreaker;
    if (!breaker) return transport.publish(envelope);
    const circuit = `publish:${transportName}`;
    const publish = (sent: Envelope): Promise<void> =>
      this.circuitBreakers.execute(circuit, breaker, () => transport.publish(sent));
    try {
      await publish(envelope);
    } catch (error) {
      if (!(error instanceof CircuitOpenError)) throw error as Error;
      const fallback = breaker.fallback ?? 'fail';
      if (fallback === 'dead-letter') {
        await this.dispatcher.reportUnsent('circuit-open', error, transportName, envelope);
      } else if (fallback === 'outbox') {
        let outbox = this.outboxes.get(transportName);
        if (!outbox) {
          const created = new PublishOutbox(
            circuit,
            breaker.outboxLimit ?? 10_000,
            breaker.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS,
            publish,
          );
          this.circuitBreakers.onClosed(circuit, () => void created.flush());
          this.outboxes.set(transportName, created);
          outbox = created;
        }
        outbox.add(envelope);
      } else {
        throw error;
      }
    }
  }

  /** At shutdown: one last try to send what the outboxes hold; what still cannot go is dead-lettered. */
  private async settleOutboxes(): Promise<void> {
    for (const [transportName, outbox] of this.outboxes) {
      await outbox.flush();
      for (const envelope of outbox.takeRemaining()) {
        const error = new CircuitOpenError(`publish:${transportName}`);
        await this.dispatcher.reportUnsent('circuit-open', error, transportName, envelope).catch(() => undefined);
      }
    }
  }

  private transportOfEnvelope(envelope: Envelope): string {
    const { messageClass, version } = envelope.header;
    const metadata = this.registry.all().find((type) => type.name === messageClass && type.version === version);
    return metadata?.transport ?? this.defaultTransport;
  }

  private define<T extends object>(registration: MessageHandlerRegistration<T>): HandlerDefinition {
    const { id, type, options = {} } = registration;
    if (this.handlerIds.has(id)) throw new HandlerRegistrationError(id, 'a handler with this id is already registered');
    const messageType = this.registry.find(type);
    if (!messageType) {
      throw new HandlerRegistrationError(
        id,
        `its message type ${type?.name || String(type)} is not decorated with @Message()`,
      );
    }
    const concurrency = options.concurrency ?? this.options.defaultConcurrency ?? DEFAULT_HANDLER_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new HandlerRegistrationError(id, `concurrency must be a positive integer, got ${String(concurrency)}`);
    }
    let filter: SubscriptionFilter;
    try {
      filter = new SubscriptionFilter(options);
    } catch (error) {
      throw new HandlerRegistrationError(id, (error as SmartMessageError).message);
    }
    const transport = messageType.transport ?? this.defaultTransport;
    if (!this.transports.has(transport)) {
      throw new HandlerRegistrationError(
        id,
        new UnknownTransportError(transport, [...this.transports.keys()], messageType.name).message,
      );
    }
    return {
      id,
      messageType,
      filter,
      concurrency,
      transport,
      invoke: (message, context) =>
        currentMessage.run(context.header, () => this.invokeAndReply(registration, message as T, context)),
    };
  }

  /** A handler's return value that is a message is its reply, addressed back to the requester. */
  private invokeAndReply<T extends object>(
    registration: MessageHandlerRegistration<T>,
    message: T,
    context: MessageContext,
  ): unknown {
    const result = registration.invoke(message, context);
    // Handlers that return nothing, as most do, cost no promise here.
    if (result === undefined) return undefined;
    return isThenable(result)
      ? Promise.resolve(result).then((settled) => this.reply(settled, context))
      : this.reply(result, context);
  }

  private reply(result: unknown, context: MessageContext): Promise<unknown> | undefined {
    if (result === null || typeof result !== 'object' || !this.registry.find(result.constructor)) return undefined;
    const { header } = context;
    return this.publish(result, {
      to: header.replyTo ?? header.from,
      correlationId: header.uuid,
      causationId: header.uuid,
    });
  }

  private async listenForReplies(replyType: MessageTypeMetadata): Promise<void> {
    if (this.replyListeners.has(replyType)) return;
    this.replyListeners.add(replyType);
    const listener = this.define({
      id: `SmartMessage.replies:${replyType.name}@${replyType.version}`,
      type: replyType.target,
      options: { concurrency: 1000 },
      invoke: (reply, context) => {
        const { correlationId, from } = context.header;
        const request = correlationId === undefined ? undefined : this.pending.get(correlationId);
        if (request?.replyType !== replyType) return;
        if (request.replyFrom !== undefined && (from === undefined || !request.replyFrom.includes(from))) {
          // Refused, reported as `unexpected-reply`; the request keeps waiting for its real reply.
          throw new UnexpectedReplyError(replyType.name, correlationId as string, from, request.replyFrom);
        }
        request.resolve(reply);
      },
    });
    await this.register({ ...listener, replyListener: true });
  }

  /** Who may answer a request: `replyFrom`, else its `to`, else the reply class's `from`, else anyone (warned once). */
  private acceptedRepliers(
    replyFrom: string | readonly string[] | undefined,
    to: string | undefined,
    replyType: MessageTypeMetadata,
  ): readonly string[] | undefined {
    if (replyFrom !== undefined) return typeof replyFrom === 'string' ? [replyFrom] : replyFrom;
    if (to !== undefined) return [to];
    if (replyType.from !== undefined) return [replyType.from];
    if (!this.unguardedReplyTypes.has(replyType)) {
      this.unguardedReplyTypes.add(replyType);
      this.log.warn(
        `Requests answered by ${replyType.name} accept a reply from any sender: they name no \`to\`, ` +
          `${replyType.name} declares no \`from\`, and no \`replyFrom\` request option is set`,
        { replyType: replyType.name },
      );
    }
    return undefined;
  }

  private async ensureSubscription(transportName: string, messageClass: string): Promise<void> {
    let subscriptions = this.subscriptions.get(transportName);
    if (!subscriptions) {
      subscriptions = new Map();
      this.subscriptions.set(transportName, subscriptions);
    }
    let active = subscriptions.get(messageClass);
    if (!active) {
      const handlers = this.dispatcher.handlers(messageClass).filter((handler) => handler.transport === transportName);
      const concurrency = handlers.reduce((sum, handler) => sum + handler.concurrency, 0) || 1;
      const subscribe = (): Promise<TransportSubscription> =>
        this.transport(transportName).subscribe(
          messageClass,
          (envelope, delivery) =>
            // Routing follows where a frame arrived, never the type it claims (one string compare).
            envelope.header.messageClass === messageClass
              ? this.dispatcher.deliver(envelope, transportName, delivery)
              : this.dispatcher.reportRejection(
                  {
                    reason: 'misrouted',
                    envelope,
                    attempt: delivery.attempt,
                    error: new MisroutedMessageError(messageClass, envelope.header.messageClass),
                  },
                  transportName,
                ),
          {
            concurrency,
            group: this.options.entity ?? 'default',
            onReject: (rejection) =>
              void this.dispatcher.reportRejection(rejection, transportName).catch(() => undefined),
          },
        );
      const breaker = this.options.subscribeCircuitBreaker;
      const ready = breaker
        ? this.circuitBreakers.execute(`subscribe:${transportName}`, breaker, subscribe)
        : subscribe();
      active = { ready };
      subscriptions.set(messageClass, active);
      // A failed subscription is forgotten, so the next handler added for the type tries again.
      ready.catch(() => {
        if (subscriptions.get(messageClass) === active) subscriptions.delete(messageClass);
      });
    }
    await active.ready;
  }

  private async releaseSubscription(transportName: string, messageClass: string): Promise<void> {
    const subscriptions = this.subscriptions.get(transportName);
    const active = subscriptions?.get(messageClass);
    if (!active || this.dispatcher.handlers(messageClass).some((handler) => handler.transport === transportName))
      return;
    subscriptions?.delete(messageClass);
    await (await active.ready).unsubscribe();
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
