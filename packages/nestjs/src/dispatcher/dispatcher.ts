import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { SerializerRegistry } from '../codec/serializer-registry';
import { MessageContext } from '../envelope/message-context';
import {
  MessageValidationError,
  NoHandlerError,
  RetriesExhaustedError,
  ShutdownAbandonedError,
  SmartMessageError,
  VersionMismatchError,
} from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import { DeliveryInfo, FrameRejection } from '../interfaces/transport.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { HandlerCall, MessageObserver } from '../interfaces/message-observer.interface';
import {
  UndeliverableListener,
  UndeliverableMessage,
  UndeliverableReason,
} from '../interfaces/undeliverable.interface';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { MessageStatistics, RegisteredMessageTypes } from '../statistics/message-statistics';
import { ConcurrencyLimiter } from '../util/concurrency-limiter';
import { debugEnabled } from '../util/debug-logging';
import { asError, isThenable, SETTLED } from '../util/promises';
import { MessageValidator } from '../validation/message-validator';
import { classifyFailure } from '../reliability/failure-taxonomy';
import { HandlerDefinition } from './handler-definition.interface';

export interface DispatcherOptions {
  serializers: SerializerRegistry;
  validator: MessageValidator;
  statistics: MessageStatistics;
  logger: MessageLogger;
  validateOnReceive: boolean;
  onUndeliverable?: UndeliverableListener;
  observers?: readonly MessageObserver[];
  /** Tells `no-handler` from `unknown-type` for a message nothing handles (default: the process-wide registry). */
  messageTypes?: RegisteredMessageTypes;
}

/** What became of one envelope: handlers that completed it, that it did not reach or failed in, or that want it again. */
export interface DispatchResult {
  succeeded: string[];
  /** Final failures, reported as undeliverable. */
  failed: { handlerId: string; reason: UndeliverableReason; error: Error }[];
  /** Failures to retry by redelivery (durable transports only): the message must stay with the broker. */
  deferred: { handlerId: string; error: Error }[];
  /** Settles once every report of this envelope was recorded (e.g. in the dead letter queue); rejects if one was not. */
  recorded: Promise<void>[];
}

export interface DispatchOptions {
  /** Deliver to this handler only, past its filters (replaying a dead letter straight to its handler). */
  handlerId?: string;
}

/** A handler call not yet finished, for shutdown reports. */
export interface InFlightDelivery {
  handlerId: string;
  uuid: string;
  messageClass: string;
  state: 'queued' | 'running';
}

interface TrackedDelivery {
  readonly info: InFlightDelivery;
  readonly envelope: Envelope;
  readonly transport: string;
  readonly delivery: DeliveryInfo;
  /** The outcome of the envelope this call belongs to: a call given up at shutdown is recorded there. */
  readonly result: DispatchResult;
}

/** What the end of a handler call needs to record its outcome. */
interface HandlerCallState {
  readonly definition: HandlerDefinition;
  readonly id: number;
  readonly tracked: TrackedDelivery;
  readonly result: DispatchResult;
  readonly delivery: DeliveryInfo;
  readonly context: MessageContext;
  started: number;
}

interface RegisteredHandler {
  readonly definition: HandlerDefinition;
  readonly limiter: ConcurrencyLimiter;
}

/**
 * Routes received envelopes to handlers: filters and versions on the header alone, then one
 * decode, then an instance per message class, validated, then each handler within its own
 * concurrency. A handler that throws affects nobody else.
 */
export class Dispatcher {
  private readonly byMessageClass = new Map<string, RegisteredHandler[]>();
  private readonly inFlight = new Map<number, TrackedDelivery>();
  private nextDeliveryId = 0;
  /** Set when a shutdown gave up: from then on no handler call starts. */
  private stopped = false;

  private readonly observers: readonly MessageObserver[];
  /** Observers that wrap handler calls; none means no wrapping at all on the hot path. */
  private readonly around: readonly MessageObserver[];

  constructor(private readonly options: DispatcherOptions) {
    this.observers = options.observers ?? [];
    this.around = this.observers.filter((observer) => observer.aroundHandler);
  }

  /** Registers a handler; the returned function removes it again. */
  add(definition: HandlerDefinition): () => void {
    const registered: RegisteredHandler = { definition, limiter: new ConcurrencyLimiter(definition.concurrency) };
    const name = definition.messageType.name;
    this.byMessageClass.set(name, [...(this.byMessageClass.get(name) ?? []), registered]);
    return () => {
      const remaining = (this.byMessageClass.get(name) ?? []).filter((handler) => handler !== registered);
      if (remaining.length > 0) this.byMessageClass.set(name, remaining);
      else this.byMessageClass.delete(name);
    };
  }

  handlers(messageClass?: string): HandlerDefinition[] {
    const lists =
      messageClass === undefined ? [...this.byMessageClass.values()] : [this.byMessageClass.get(messageClass) ?? []];
    return lists.flat().map((handler) => handler.definition);
  }

  inFlightDeliveries(): InFlightDelivery[] {
    return [...this.inFlight.values()].map((tracked) => ({ ...tracked.info }));
  }

  /** How many handler calls are queued or running. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * At a shutdown that timed out: no handler call starts from now on. Each queued call is given
   * up (see `giveUp`) and dropped from its handler's queue, so the envelope's delivery settles
   * now and the transport can keep or report it. A running call cannot be stopped: it is neither
   * reported nor waited for, and its outcome is recorded as usual if it ends. Returns every call
   * that was unfinished, queued or running.
   */
  abandonInFlight(): InFlightDelivery[] {
    this.stopped = true;
    const unfinished = [...this.inFlight.values()].map((tracked) => ({ ...tracked.info }));
    for (const [id, tracked] of this.inFlight) {
      if (tracked.info.state !== 'queued') continue;
      this.inFlight.delete(id);
      this.giveUp(tracked.result, tracked.envelope, tracked.transport, tracked.delivery, tracked.info.handlerId);
    }
    for (const handlers of this.byMessageClass.values()) for (const handler of handlers) handler.limiter.drop();
    return unfinished;
  }

  /** After shutdown: deliveries that still arrive start no handler call (they are given up like queued ones). */
  stop(): void {
    this.stopped = true;
  }

  /** Settles when every handler the envelope reached has finished with it. Never rejects. */
  dispatch(
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo = FIRST_DELIVERY,
    options: DispatchOptions = {},
  ): Promise<DispatchResult> {
    const result: DispatchResult = { succeeded: [], failed: [], deferred: [], recorded: [] };
    const runs = this.begin(envelope, transport, delivery, options, result);
    return runs === undefined ? Promise.resolve(result) : runs.then(() => result);
  }

  /**
   * What a transport's subscription waits for: resolves once every handler the envelope reached
   * finished with it and every failure was recorded; rejects when a handler wants it delivered
   * again or a failure could not be recorded, so a durable transport keeps it with the broker.
   */
  deliver(envelope: Envelope, transport: string, delivery: DeliveryInfo = FIRST_DELIVERY): Promise<void> {
    const result: DispatchResult = { succeeded: [], failed: [], deferred: [], recorded: [] };
    const runs = this.begin(envelope, transport, delivery, NO_DISPATCH_OPTIONS, result);
    if (runs !== undefined) return runs.then(() => settle(result));
    return result.recorded.length === 0 ? SETTLED : (settle(result) as Promise<void>);
  }

  /** Starts the envelope's handler calls; returns what settles when they end, or nothing when none started. */
  private begin(
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo,
    options: DispatchOptions,
    result: DispatchResult,
  ): Promise<unknown> | undefined {
    const { header } = envelope;
    const { statistics, logger } = this.options;
    statistics.countReceived(header.messageClass, transport);
    for (const observer of this.observers) observer.received?.(envelope, transport);
    const registered = this.byMessageClass.get(header.messageClass);
    if (debugEnabled(logger)) {
      logger.debug(`Received ${header.messageClass}`, {
        ...headerFields(envelope),
        transport,
        attempt: delivery.attempt,
      });
    }
    if (!registered) {
      this.rejectUnhandled(result, envelope, transport, delivery);
      return undefined;
    }

    const accepted: RegisteredHandler[] = [];
    let reachedHandler = false;
    for (const handler of registered) {
      const { definition } = handler;
      if (options.handlerId !== undefined) {
        if (definition.id !== options.handlerId) continue;
      } else if (definition.transport !== transport) {
        continue;
      }
      reachedHandler = true;
      if (options.handlerId === undefined && !definition.filter.matches(header)) {
        statistics.count(definition.id, header.messageClass, 'filteredOut');
        for (const observer of this.observers) observer.filteredOut?.(envelope, definition.id);
        if (debugEnabled(logger)) {
          logger.debug(`Filtered out ${header.messageClass} for ${definition.id}`, {
            ...headerFields(envelope),
            handler: definition.id,
            filter: definition.filter.toString(),
          });
        }
        continue;
      }
      if (definition.messageType.version !== header.version) {
        statistics.count(definition.id, header.messageClass, 'versionMismatched');
        const error = new VersionMismatchError(
          definition.messageType.name,
          definition.messageType.version,
          header.version,
        );
        this.reject(result, 'version-mismatch', error, envelope, transport, delivery, definition.id);
      } else {
        accepted.push(handler);
      }
    }
    if (!reachedHandler) this.rejectUnhandled(result, envelope, transport, delivery);
    if (accepted.length === 0) return undefined;
    if (this.stopped) {
      for (const { definition } of accepted) this.giveUp(result, envelope, transport, delivery, definition.id);
      return undefined;
    }

    let data: unknown;
    try {
      data = this.options.serializers.get(header.serializer).decode(envelope.payload);
    } catch (error) {
      for (const { definition } of accepted) statistics.count(definition.id, header.messageClass, 'rejected');
      this.reject(result, 'undecodable', error as Error, envelope, transport, delivery);
      return undefined;
    }

    // Accepted handlers share one message type (name and version are unique), so usually one instance serves all.
    let instanceType: MessageTypeMetadata | undefined;
    let instance: object | MessageValidationError | undefined;
    let runs: Promise<void> | Promise<void>[] | undefined;
    for (const handler of accepted) {
      const { definition } = handler;
      if (definition.messageType !== instanceType) {
        instanceType = definition.messageType;
        instance = this.instantiate(instanceType, data);
      }
      if (instance instanceof MessageValidationError) {
        statistics.count(definition.id, header.messageClass, 'rejected');
        this.reject(result, 'invalid', instance, envelope, transport, delivery, definition.id);
        continue;
      }
      statistics.count(definition.id, header.messageClass, 'delivered');
      const run = this.schedule(handler, instance as object, envelope, transport, delivery, result);
      if (runs === undefined) runs = run;
      else if (Array.isArray(runs)) runs.push(run);
      else runs = [runs, run];
    }
    return Array.isArray(runs) ? Promise.all(runs) : runs;
  }

  /** Reports a frame a transport set aside (undecodable, poison, trimmed, overflow) like any undelivered message. */
  reportRejection(rejection: FrameRejection, transport: string): Promise<void> {
    return this.report(
      rejection.reason,
      rejection.error,
      transport,
      rejection.attempt,
      rejection.envelope,
      undefined,
      rejection.frame,
    );
  }

  /** Reports a message that never reached its transport (e.g. its publish circuit was open) as undeliverable. */
  reportUnsent(reason: UndeliverableReason, error: Error, transport: string, envelope: Envelope): Promise<void> {
    return this.report(reason, error, transport, 0, envelope);
  }

  /** Resolves when no handler call is queued or running. */
  async idle(): Promise<void> {
    const limiters = [...this.byMessageClass.values()].flat().map((handler) => handler.limiter.idle());
    await Promise.all(limiters);
  }

  private instantiate(messageType: MessageTypeMetadata, data: unknown): object | MessageValidationError {
    try {
      return this.options.validator.instantiate(
        messageType.target,
        data,
        messageType.name,
        this.options.validateOnReceive,
      );
    } catch (error) {
      if (error instanceof MessageValidationError) return error;
      return new MessageValidationError(messageType.name, [
        { property: '(payload)', source: 'payload', constraints: { transform: (error as Error).message } },
      ]);
    }
  }

  private schedule(
    handler: RegisteredHandler,
    message: object,
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo,
    result: DispatchResult,
  ): Promise<void> {
    const id = this.nextDeliveryId++;
    const tracked: TrackedDelivery = {
      info: {
        handlerId: handler.definition.id,
        uuid: envelope.header.uuid,
        messageClass: envelope.header.messageClass,
        state: 'queued',
      },
      envelope,
      transport,
      delivery,
      result,
    };
    this.inFlight.set(id, tracked);
    return handler.limiter.schedule(() => this.run(handler.definition, id, tracked, message, delivery, result));
  }

  /**
   * One handler call, start to end; never rejects: its outcome goes into `result`. Not `async`:
   * a handler that returns synchronously (most do) costs no promise here.
   */
  private run(
    definition: HandlerDefinition,
    id: number,
    tracked: TrackedDelivery,
    message: object,
    delivery: DeliveryInfo,
    result: DispatchResult,
  ): Promise<void> {
    if (!this.inFlight.has(id)) return SETTLED; // abandoned at shutdown before it started
    const { envelope, transport } = tracked;
    const { logger } = this.options;
    tracked.info.state = 'running';
    const call: HandlerCallState = {
      definition,
      id,
      tracked,
      result,
      delivery,
      context: new MessageContext(envelope, transport, delivery.attempt, definition.id),
      started: 0,
    };
    if (debugEnabled(logger)) {
      logger.debug(`Handler ${definition.id} started`, {
        ...headerFields(envelope),
        handler: definition.id,
        attempt: delivery.attempt,
      });
    }
    call.started = performance.now();
    let outcome: unknown;
    try {
      outcome =
        this.around.length === 0
          ? definition.invoke(message, call.context)
          : this.observed(
              { envelope, handlerId: definition.id, transport, attempt: delivery.attempt },
              message,
              call.context,
              definition,
            );
    } catch (thrown) {
      this.failed(call, thrown);
      return SETTLED;
    }
    if (isThenable(outcome)) {
      return Promise.resolve(outcome).then(
        () => this.succeeded(call),
        (thrown: unknown) => this.failed(call, thrown),
      );
    }
    this.succeeded(call);
    return SETTLED;
  }

  private succeeded(call: HandlerCallState): void {
    const { definition, tracked, context } = call;
    const { envelope } = tracked;
    const { statistics, logger } = this.options;
    this.inFlight.delete(call.id);
    const durationMs = performance.now() - call.started;
    statistics.recordOutcome(definition.id, envelope.header.messageClass, true, durationMs);
    call.result.succeeded.push(definition.id);
    if (debugEnabled(logger)) {
      logger.debug(`Handler ${definition.id} finished`, {
        ...headerFields(envelope),
        handler: definition.id,
        attempt: context.attempt,
        durationMs,
      });
    }
  }

  private failed(call: HandlerCallState, thrown: unknown): void {
    const { definition, tracked, context, result } = call;
    const { envelope, transport } = tracked;
    const { statistics, logger } = this.options;
    const messageClass = envelope.header.messageClass;
    this.inFlight.delete(call.id);
    const durationMs = performance.now() - call.started;
    statistics.recordOutcome(definition.id, messageClass, false, durationMs);
    const error = asError(thrown);
    const outcome = classifyFailure(error, call.delivery.redelivers === true);
    if (outcome.final) {
      this.reject(result, outcome.reason, error, envelope, transport, { attempt: context.attempt }, definition.id);
    } else {
      result.deferred.push({ handlerId: definition.id, error });
      logger.warn(`Handler ${definition.id} failed on ${messageClass}; the transport will deliver it again`, {
        ...headerFields(envelope),
        handler: definition.id,
        attempt: context.attempt,
        durationMs,
        error: error.message,
      });
    }
  }

  /** Runs a handler call inside every observer that wraps handler calls, first observer outermost. */
  private observed(
    call: HandlerCall,
    message: object,
    context: MessageContext,
    definition: HandlerDefinition,
  ): Promise<void> {
    const run = this.around.reduceRight<() => Promise<void>>(
      (next, observer) => () => (observer.aroundHandler as NonNullable<MessageObserver['aroundHandler']>)(call, next),
      async () => {
        await definition.invoke(message, context);
      },
    );
    return run();
  }

  /**
   * A handler call that will never start. A durable transport keeps the message: the call is
   * deferred, so the entry is not acknowledged and goes to another consumer, and no dead letter
   * duplicates it. Elsewhere nothing else holds it: reported as undeliverable (`shutdown`).
   */
  private giveUp(
    result: DispatchResult,
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo,
    handlerId: string,
  ): void {
    const error = new ShutdownAbandonedError(handlerId, envelope.header.messageClass, envelope.header.uuid);
    if (delivery.redelivers === true) result.deferred.push({ handlerId, error });
    else this.reject(result, 'shutdown', error, envelope, transport, delivery, handlerId);
  }

  /** A well-formed message no handler on its transport takes: reported, so it is never acknowledged unseen. */
  private rejectUnhandled(result: DispatchResult, envelope: Envelope, transport: string, delivery: DeliveryInfo): void {
    const { messageClass } = envelope.header;
    const known = (this.options.messageTypes ?? messageTypeRegistry).hasName(messageClass);
    const error = new NoHandlerError(messageClass, transport, known);
    this.reject(result, known ? 'no-handler' : 'unknown-type', error, envelope, transport, delivery);
  }

  private reject(
    result: DispatchResult,
    reason: UndeliverableReason,
    error: Error,
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo,
    handlerId?: string,
  ): void {
    result.failed.push({ handlerId: handlerId ?? '(all)', reason, error });
    result.recorded.push(this.report(reason, error, transport, delivery.attempt, envelope, handlerId));
  }

  private report(
    reason: UndeliverableReason,
    error: Error,
    transport: string,
    attempt: number,
    envelope?: Envelope,
    handlerId?: string,
    frame?: string | Uint8Array,
  ): Promise<void> {
    const header = envelope?.header;
    const fields = {
      reason,
      handler: handlerId,
      uuid: header?.uuid,
      messageClass: header?.messageClass,
      version: header?.version,
      from: header?.from,
      to: header?.to,
      correlationId: header?.correlationId,
      transport,
      attempt,
      error: error.message,
    };
    const subject = header ? `${header.messageClass} ${header.uuid}` : 'A frame';
    if (reason === 'handler-failed') {
      this.options.logger.error(`Handler ${handlerId} failed on ${subject}`, { ...fields, stack: error.stack });
    } else this.options.logger.warn(`${subject} not delivered: ${reason}`, fields);
    const event: UndeliverableMessage = {
      reason,
      ...(envelope === undefined ? {} : { envelope }),
      ...(frame === undefined ? {} : { frame }),
      ...(handlerId === undefined ? {} : { handlerId }),
      transport,
      attempt,
      error: describeError(error),
    };
    try {
      for (const observer of this.observers) observer.undeliverable?.(event);
      return Promise.resolve(this.options.onUndeliverable?.(event)).then(() => undefined);
    } catch (listenerError) {
      return Promise.reject(listenerError as Error);
    }
  }
}

const FIRST_DELIVERY: DeliveryInfo = Object.freeze({ attempt: 1 });
const NO_DISPATCH_OPTIONS: DispatchOptions = Object.freeze({});

/** A deferred failure, or a report that could not be recorded, keeps the message with a durable broker. */
function settle(result: DispatchResult): void | Promise<void> {
  // Most envelopes have nothing to record: no extra promise for them.
  if (result.recorded.length === 0) return throwDeferred(result);
  return Promise.all(result.recorded).then(() => throwDeferred(result));
}

function throwDeferred(result: DispatchResult): void {
  const deferred = result.deferred[0];
  if (deferred) throw deferred.error;
}

export function describeError(failure: Error): UndeliverableMessage['error'] {
  // After retries, what matters is why the last attempt failed.
  const error = failure instanceof RetriesExhaustedError ? failure.lastError : failure;
  const code = error instanceof SmartMessageError ? error.code : (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
  };
}

/** The header fields every log line about a message carries. */
function headerFields(envelope: Envelope): Record<string, unknown> {
  const { uuid, messageClass, version, from, to, correlationId } = envelope.header;
  return { uuid, messageClass, version, from, to, correlationId };
}
