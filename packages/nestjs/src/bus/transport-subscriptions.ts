import { Dispatcher } from '../dispatcher/dispatcher';
import { MisroutedMessageError } from '../errors';
import { TransportSubscription } from '../transports/transport.interface';
import { namedTransportError } from '../transports/named-transport-error';
import { CircuitBreakerRegistry } from '../reliability/circuit-breaker/circuit-breaker-registry';
import { BusTransports } from './bus-transports';
import { MessageBusOptions } from './message-bus-options.interface';

interface ActiveSubscription {
  readonly ready: Promise<TransportSubscription>;
}

/**
 * One subscription per transport and message type, made when the first handler of the type on
 * that transport needs it and ended when the last one goes; it hands what arrives to the
 * dispatcher.
 */
export class TransportSubscriptions {
  /** By transport name, then message type. */
  private readonly byTransport = new Map<string, Map<string, ActiveSubscription>>();

  constructor(
    private readonly options: MessageBusOptions,
    private readonly transports: BusTransports,
    private readonly dispatcher: Dispatcher,
    private readonly circuitBreakers: CircuitBreakerRegistry,
  ) {}

  /** Resolves once the transport delivers the type; handlers that share a subscription share its `ready`. */
  async ensure(transportName: string, messageClass: string): Promise<void> {
    let subscriptions = this.byTransport.get(transportName);
    if (!subscriptions) {
      subscriptions = new Map();
      this.byTransport.set(transportName, subscriptions);
    }
    let active = subscriptions.get(messageClass);
    if (!active) {
      const ready = this.subscribe(transportName, messageClass);
      const created: ActiveSubscription = { ready };
      active = created;
      subscriptions.set(messageClass, created);
      // A failed subscription is forgotten, so the next handler added for the type tries again.
      ready.catch(() => {
        if (subscriptions.get(messageClass) === created) subscriptions.delete(messageClass);
      });
    }
    await active.ready;
  }

  /** Ends the type's subscription on the transport once no handler of it is left there. */
  async release(transportName: string, messageClass: string): Promise<void> {
    const subscriptions = this.byTransport.get(transportName);
    const active = subscriptions?.get(messageClass);
    if (!active || this.dispatcher.handlers(messageClass).some((handler) => handler.transport === transportName))
      return;
    subscriptions?.delete(messageClass);
    await (await active.ready).unsubscribe();
  }

  /** At shutdown: forgets every subscription, resolving with those that were made (failed ones left out). */
  async takeAll(): Promise<TransportSubscription[]> {
    const settled = await Promise.allSettled(
      [...this.byTransport.values()].flatMap((byType) => [...byType.values()].map((active) => active.ready)),
    );
    this.byTransport.clear();
    return settled.filter((result) => result.status === 'fulfilled').map((result) => result.value);
  }

  private subscribe(transportName: string, messageClass: string): Promise<TransportSubscription> {
    const handlers = this.dispatcher.handlers(messageClass).filter((handler) => handler.transport === transportName);
    const concurrency = handlers.reduce((sum, handler) => sum + handler.concurrency, 0) || 1;
    const subscribe = (): Promise<TransportSubscription> =>
      this.transports
        .get(transportName)
        .subscribe(
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
        )
        .catch((error: unknown) => {
          throw namedTransportError(error, transportName);
        });
    const breaker = this.options.subscribeCircuitBreaker;
    return breaker ? this.circuitBreakers.execute(`subscribe:${transportName}`, breaker, subscribe) : subscribe();
  }
}
