import { MessageContext } from '../context/message-context';
import { HandlerCall, MessageObserver } from '../interfaces/message-observer.interface';
import { MessageLogger } from '../interfaces/message-logger.interface';
import { classifyFailure } from '../reliability/failure-taxonomy';
import { MessageStatistics } from '../statistics/message-statistics';
import { debugEnabled } from '../util/debug-logging';
import { asError, isThenable, SETTLED } from '../util/promises';
import { HandlerDefinition } from './handler-definition.interface';
import { headerFields } from './header-fields';
import { InFlightDeliveries, TrackedDelivery } from './in-flight-deliveries';
import { UndeliverableReporter } from './undeliverable-reporter';

/** What the end of a handler call needs to record its outcome. */
interface HandlerCallState {
  readonly definition: HandlerDefinition;
  readonly tracked: TrackedDelivery;
  readonly context: MessageContext;
  started: number;
}

/**
 * Runs one handler call, start to end, inside the observers that wrap handler calls, and records
 * how it ended: counted and timed, and a failure either reported as final or left for redelivery
 * as the failure taxonomy decides.
 */
export class HandlerCalls {
  /** Observers that wrap handler calls; none means no wrapping at all on the hot path. */
  private readonly around: readonly MessageObserver[];

  constructor(
    private readonly inFlight: InFlightDeliveries,
    private readonly reporter: UndeliverableReporter,
    private readonly statistics: MessageStatistics,
    private readonly logger: MessageLogger,
    observers: readonly MessageObserver[],
  ) {
    this.around = observers.filter((observer) => observer.aroundHandler);
  }

  /**
   * Never rejects: the outcome goes into the call's dispatch result. Not `async`: a handler that
   * returns synchronously (most do) costs no promise here.
   */
  run(definition: HandlerDefinition, tracked: TrackedDelivery, message: object): Promise<void> {
    if (!this.inFlight.has(tracked)) return SETTLED; // abandoned at shutdown before it started
    const { envelope, transport, delivery } = tracked;
    const { logger } = this;
    tracked.info.state = 'running';
    const call: HandlerCallState = {
      definition,
      tracked,
      context: new MessageContext(envelope, transport, delivery.attempt, definition.id, tracked.security),
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
    const { statistics, logger } = this;
    this.inFlight.end(tracked);
    const durationMs = performance.now() - call.started;
    statistics.recordOutcome(definition.id, envelope.header.messageClass, true, durationMs);
    tracked.result.succeeded.push(definition.id);
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
    const { definition, tracked, context } = call;
    const { envelope, transport, result } = tracked;
    const { statistics, logger } = this;
    const messageClass = envelope.header.messageClass;
    this.inFlight.end(tracked);
    const durationMs = performance.now() - call.started;
    statistics.recordOutcome(definition.id, messageClass, false, durationMs);
    const error = asError(thrown);
    const outcome = classifyFailure(error, tracked.delivery.redelivers === true);
    if (outcome.final) {
      this.reporter.reject(result, outcome.reason, error, envelope, transport, context.attempt, definition.id);
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
}
