import { authorizeDelivery } from '../authorization/authorize-delivery';
import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { PayloadCodec } from '../codec/chain/payload-codec';
import { MessageValidationError, NoHandlerError, ShutdownAbandonedError, VersionMismatchError } from '../errors';
import { Envelope } from '../interfaces/envelope.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { MessageObserver } from '../interfaces/message-observer.interface';
import { DeliveryInfo, FrameRejection } from '../transports/transport.interface';
import { UndeliverableListener, UndeliverableReason } from '../interfaces/undeliverable.interface';
import { MessageStatistics, RegisteredMessageTypes } from '../statistics/message-statistics';
import { debugEnabled } from '../util/debug-logging';
import { SETTLED } from '../util/promises';
import { MessageValidator } from '../validation/message-validator';
import { SecurityAudit } from '../security/audit/security-audit';
import { securityEventOfDecodeFailure } from '../security/audit/decode-failure-events';
import { MessageReplayedError } from '../security/errors/message-replayed.error';
import { MessageSecurity, UNVERIFIED } from '../security/receive/message-security';
import { ReceiveSecurity } from '../security/receive/receive-security';
import { TrackedDelivery } from './in-flight-deliveries';
import { DispatchResult, emptyDispatchResult, settle } from './dispatch-result';
import { HandlerCalls } from './handler-calls';
import { HandlerDefinition } from './handler-definition.interface';
import { headerFields } from './header-fields';
import { HandlerRegistry, RegisteredHandler } from './handler-registry';
import { InFlightDeliveries, InFlightDelivery } from './in-flight-deliveries';
import { UndeliverableReporter } from './undeliverable-reporter';
import { UpcastFailedError } from '../versioning/upcast-failed.error';

export interface DispatcherOptions {
  /** Decodes payloads, and refuses chains a handler's class does not accept. */
  payloads: PayloadCodec;
  validator: MessageValidator;
  statistics: MessageStatistics;
  logger: MessageLogger;
  validateOnReceive: boolean;
  onUndeliverable?: UndeliverableListener;
  observers?: readonly MessageObserver[];
  /** Verifies signatures and applies receive policies; absent, nothing is verified. */
  security?: ReceiveSecurity;
  /** Where security events go (default: one over `logger` and `observers`). */
  audit?: SecurityAudit;
  /** Tells `no-handler` from `unknown-type` for a message nothing handles (default: the process-wide registry). */
  messageTypes?: RegisteredMessageTypes;
}

export interface DispatchOptions {
  /** Deliver to this handler only, past its filters (replaying a dead letter straight to its handler). */
  handlerId?: string;
}

/**
 * Routes received envelopes to handlers: filters and versions on the header alone, then one
 * decode, then an instance per message class, validated, then each handler within its own
 * concurrency. A handler that throws affects nobody else.
 */
export class Dispatcher {
  private readonly registry = new HandlerRegistry();
  private readonly inFlight = new InFlightDeliveries();
  private readonly reporter: UndeliverableReporter;
  private readonly calls: HandlerCalls;
  private readonly observers: readonly MessageObserver[];
  private readonly audit: SecurityAudit;
  /** Set when a shutdown gave up: from then on no handler call starts. */
  private stopped = false;

  constructor(private readonly options: DispatcherOptions) {
    this.observers = options.observers ?? [];
    this.audit = options.audit ?? options.security?.audit ?? new SecurityAudit(options.logger, this.observers);
    this.reporter = new UndeliverableReporter(options.logger, this.observers, options.onUndeliverable);
    this.calls = new HandlerCalls(this.inFlight, this.reporter, options.statistics, options.logger, this.observers);
  }

  /** Registers a handler; the returned function removes it again. */
  add(definition: HandlerDefinition): () => void {
    return this.registry.add(definition);
  }

  /** The registered handlers, or one message class's, in the order they were added. */
  handlers(messageClass?: string): HandlerDefinition[] {
    return this.registry.definitions(messageClass);
  }

  /** The handler calls queued or running, each with its handler, message and state. */
  inFlightDeliveries(): InFlightDelivery[] {
    return this.inFlight.snapshot();
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
    const unfinished = this.inFlight.snapshot();
    this.inFlight.abandonQueued((tracked) =>
      this.giveUp(tracked.result, tracked.envelope, tracked.transport, tracked.delivery, tracked.info.handlerId),
    );
    for (const handler of this.registry.all()) handler.limiter.drop();
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
    const result = emptyDispatchResult();
    const runs = this.begin(envelope, transport, delivery, options, result);
    return runs === undefined ? Promise.resolve(result) : runs.then(() => result);
  }

  /**
   * What a transport's subscription waits for: resolves once every handler the envelope reached
   * finished with it and every failure was recorded; rejects when a handler wants it delivered
   * again or a failure could not be recorded, so a durable transport keeps it with the broker.
   */
  deliver(envelope: Envelope, transport: string, delivery: DeliveryInfo = FIRST_DELIVERY): Promise<void> {
    const result = emptyDispatchResult();
    const runs = this.begin(envelope, transport, delivery, NO_DISPATCH_OPTIONS, result);
    if (runs !== undefined) return runs.then(() => settle(result));
    return result.recorded.length === 0 ? SETTLED : (settle(result) as Promise<void>);
  }

  /** Reports a frame a transport set aside (undecodable, poison, trimmed, overflow) like any undelivered message. */
  reportRejection(rejection: FrameRejection, transport: string): Promise<void> {
    return this.reporter.reportRejection(rejection, transport);
  }

  /** Reports a message that never reached its transport (e.g. its publish circuit was open) as undeliverable. */
  reportUnsent(reason: UndeliverableReason, error: Error, transport: string, envelope: Envelope): Promise<void> {
    return this.reporter.reportUnsent(reason, error, transport, envelope);
  }

  /** Resolves when no handler call is queued or running. */
  async idle(): Promise<void> {
    await Promise.all(this.registry.all().map((handler) => handler.limiter.idle()));
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
    const registered = this.registry.of(header.messageClass);
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
      const reading = definition.messageType.versions.reading(header.version);
      if (reading.kind === 'unsupported' || reading.kind === 'future') {
        statistics.count(definition.id, header.messageClass, 'versionMismatched');
        const { versions } = definition.messageType;
        if (reading.kind === 'future') {
          const error = versions.futureVersionError(header.version);
          this.reporter.reject(result, 'future-version', error, envelope, transport, delivery.attempt, definition.id);
        } else {
          const error = new VersionMismatchError(definition.messageType.name, versions.version, header.version);
          this.reporter.reject(result, 'version-mismatch', error, envelope, transport, delivery.attempt, definition.id);
        }
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

    let security: MessageSecurity = UNVERIFIED;
    const guard = this.options.security;
    if (guard !== undefined) {
      const screened = this.screen(guard, accepted, envelope, transport, delivery, options, result);
      if (screened === undefined) return undefined;
      security = screened;
    }

    let data: unknown;
    try {
      // Accepted handlers share one message type, so the first one's class decides the chain.
      data = this.options.payloads.decode(envelope, accepted[0].definition.messageType);
    } catch (error) {
      for (const { definition } of accepted) statistics.count(definition.id, header.messageClass, 'rejected');
      this.auditDecodeFailure(error, envelope, transport, security);
      this.reporter.reject(result, 'undecodable', error as Error, envelope, transport, delivery.attempt);
      return undefined;
    }

    // Accepted handlers share one message type (name and version are unique), so usually one instance serves all.
    let instanceType: MessageTypeMetadata | undefined;
    let instance: object | MessageValidationError | UpcastFailedError | undefined;
    let runs: Promise<void> | Promise<void>[] | undefined;
    for (const handler of accepted) {
      const { definition } = handler;
      if (definition.messageType !== instanceType) {
        instanceType = definition.messageType;
        let own = data;
        if (instanceType !== accepted[0].definition.messageType) {
          // Another class under the same name: it decides for itself which chains it accepts.
          try {
            own = this.options.payloads.decode(envelope, instanceType);
          } catch (error) {
            statistics.count(definition.id, header.messageClass, 'rejected');
            this.auditDecodeFailure(error, envelope, transport, security);
            this.reporter.reject(
              result,
              'undecodable',
              error as Error,
              envelope,
              transport,
              delivery.attempt,
              definition.id,
            );
            instanceType = undefined;
            continue;
          }
        }
        instance = this.read(instanceType, header.version, own);
      }
      if (instance instanceof MessageValidationError || instance instanceof UpcastFailedError) {
        statistics.count(definition.id, header.messageClass, 'rejected');
        this.reporter.reject(result, 'invalid', instance, envelope, transport, delivery.attempt, definition.id);
        continue;
      }
      if (definition.policy !== undefined) {
        const denial = authorizeDelivery(
          definition.policy,
          definition.id,
          header,
          transport,
          instance as object,
          security.verified,
        );
        if (denial !== undefined) {
          statistics.count(definition.id, header.messageClass, 'denied');
          this.audit.emitFor('sm_authz_fail', denial, envelope, transport, {
            handlerId: definition.id,
            verified: security.verified,
          });
          this.reporter.reject(result, 'unauthorized', denial, envelope, transport, delivery.attempt, definition.id);
          continue;
        }
      }
      statistics.count(definition.id, header.messageClass, 'delivered');
      if (header.version < definition.messageType.version)
        statistics.count(definition.id, header.messageClass, 'upcast');
      const run = this.schedule(handler, instance as object, envelope, transport, delivery, result, security);
      if (runs === undefined) runs = run;
      else if (Array.isArray(runs)) runs.push(run);
      else runs = [runs, run];
    }
    return Array.isArray(runs) ? Promise.all(runs) : runs;
  }

  /**
   * The handler class's instance of the decoded payload, in the design's order: upcast an older
   * version to the class's, then build and validate it against the class's current rules, so an
   * old message is held to every rule added since. A newer version read tolerantly keeps only
   * the properties the class declares.
   */
  private read(
    messageType: MessageTypeMetadata,
    version: number,
    data: unknown,
  ): object | MessageValidationError | UpcastFailedError {
    const reading = messageType.versions.reading(version);
    const payload = reading.kind === 'upcast' ? messageType.versions.upcast(reading.from, data) : data;
    if (payload instanceof UpcastFailedError) return payload;
    return this.instantiate(messageType, payload, reading.kind === 'tolerant' ? 'strip' : undefined);
  }

  private instantiate(
    messageType: MessageTypeMetadata,
    data: unknown,
    undeclared?: 'strip',
  ): object | MessageValidationError {
    try {
      return this.options.validator.instantiate(
        messageType.target,
        data,
        messageType.name,
        this.options.validateOnReceive,
        undeclared,
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
    security: MessageSecurity,
  ): Promise<void> {
    const { definition } = handler;
    const tracked = this.inFlight.track(definition.id, envelope, transport, delivery, result, security);
    // Only a verified message has a proven (from, uuid): an unsigned one could name any pair.
    if (security.verified && this.options.security !== undefined) {
      const guard = this.options.security;
      return handler.limiter.schedule(() => this.runOnce(guard, definition, tracked, message));
    }
    return handler.limiter.schedule(() => this.calls.run(definition, tracked, message));
  }

  /**
   * The security checks before any byte is decoded: the signature once, then each handler's
   * receive policy. Refused handlers are audited, counted and dead-lettered, and dropped from
   * `accepted`; returns what was proven, or undefined when no handler is left.
   */
  private screen(
    guard: ReceiveSecurity,
    accepted: RegisteredHandler[],
    envelope: Envelope,
    transport: string,
    delivery: DeliveryInfo,
    options: DispatchOptions,
    result: DispatchResult,
  ): MessageSecurity | undefined {
    const { header } = envelope;
    const { statistics } = this.options;
    const inspection = guard.inspect(envelope);
    const { security, failure } = inspection;
    if (failure !== undefined) {
      const reportOnly =
        guard.reportable(failure) && accepted.every(({ definition }) => guard.policyOf(definition).mode === 'report');
      guard.report(failure, envelope, transport, security, reportOnly ? 'report' : 'enforce');
      if (!reportOnly) {
        for (const { definition } of accepted) statistics.count(definition.id, header.messageClass, 'rejected');
        this.reporter.reject(result, failure.reason, failure, envelope, transport, delivery.attempt);
        return undefined;
      }
    }
    const operatorReplay = options.handlerId !== undefined;
    if (operatorReplay && security.verified)
      guard.report(
        {
          event: 'sm_replay_operator',
          message: `an operator replayed ${header.uuid} to ${options.handlerId}: its freshness was not checked`,
        },
        envelope,
        transport,
        security,
        'enforce',
        options.handlerId,
      );
    let kept = 0;
    for (const handler of accepted) {
      const { definition } = handler;
      const refusal = guard.screen(definition, envelope, inspection, transport, delivery, operatorReplay);
      if (refusal === undefined) {
        accepted[kept++] = handler;
        continue;
      }
      guard.report(refusal, envelope, transport, security, 'enforce', definition.id);
      statistics.count(definition.id, header.messageClass, 'rejected');
      this.reporter.reject(result, refusal.reason, refusal, envelope, transport, delivery.attempt, definition.id);
    }
    accepted.length = kept;
    return kept === 0 ? undefined : security;
  }

  /**
   * A verified message's handler call, at most once per (from, uuid): a copy that arrives again
   * as a first delivery is a replay (audited, dead-lettered); a redelivery of one already
   * processed is the broker's duplicate and is settled quietly. The pair is recorded only after
   * the handler succeeded, so a crash mid-handler leaves a redelivery free to run.
   */
  private async runOnce(
    guard: ReceiveSecurity,
    definition: HandlerDefinition,
    tracked: TrackedDelivery,
    message: object,
  ): Promise<void> {
    const { envelope, transport, delivery, result } = tracked;
    const { header } = envelope;
    const request = { handlerId: definition.id, from: header.from, uuid: header.uuid, size: guard.replaySize };
    const check = await guard.replayStore.begin(request).catch((error: unknown) => {
      this.options.logger.warn(`Could not look ${header.uuid} up in the replay store; handling it without the check`, {
        ...headerFields(envelope),
        handler: definition.id,
        error: (error as Error).message,
      });
      return undefined;
    });
    if (check === undefined) return this.calls.run(definition, tracked, message);
    if (check.status !== 'new') {
      this.inFlight.end(tracked);
      if (delivery.redelivers === true && delivery.attempt > 1) {
        if (check.status === 'in-progress')
          result.deferred.push({
            handlerId: definition.id,
            error: new MessageReplayedError(definition.id, header.from, header.uuid),
          });
        else result.succeeded.push(definition.id);
        return;
      }
      const replay = new MessageReplayedError(definition.id, header.from, header.uuid);
      guard.report(replay, envelope, transport, tracked.security, 'enforce', definition.id);
      this.options.statistics.count(definition.id, header.messageClass, 'rejected');
      this.reporter.reject(result, replay.reason, replay, envelope, transport, delivery.attempt, definition.id);
      return;
    }
    await this.calls.run(definition, tracked, message);
    const store = guard.replayStore;
    await (result.succeeded.includes(definition.id) ? store.complete(check.mark) : store.release(check.mark)).catch(
      (error: unknown) =>
        this.options.logger.warn(`Could not update the replay store for ${header.uuid}`, {
          ...headerFields(envelope),
          handler: definition.id,
          error: (error as Error).message,
        }),
    );
  }

  /** A decryption or chain refusal is a security event too, beside its `undecodable` dead letter. */
  private auditDecodeFailure(error: unknown, envelope: Envelope, transport: string, security: MessageSecurity): void {
    const event = securityEventOfDecodeFailure(error);
    if (event !== undefined)
      this.audit.emitFor(event, error as Error, envelope, transport, { verified: security.verified });
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
    else this.reporter.reject(result, 'shutdown', error, envelope, transport, delivery.attempt, handlerId);
  }

  /** A well-formed message no handler on its transport takes: reported, so it is never acknowledged unseen. */
  private rejectUnhandled(result: DispatchResult, envelope: Envelope, transport: string, delivery: DeliveryInfo): void {
    const { messageClass } = envelope.header;
    const known = (this.options.messageTypes ?? messageTypeRegistry).hasName(messageClass);
    const error = new NoHandlerError(messageClass, transport, known);
    this.reporter.reject(result, known ? 'no-handler' : 'unknown-type', error, envelope, transport, delivery.attempt);
  }
}

const FIRST_DELIVERY: DeliveryInfo = Object.freeze({ attempt: 1 });
const NO_DISPATCH_OPTIONS: DispatchOptions = Object.freeze({});
