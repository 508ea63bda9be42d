import { handlerPolicy } from '../authorization/handler-policy';
import type { MessagePolicy } from '../authorization/message-policy.interface';
import { MessageTypeRegistry } from '../catalog/message-type-registry';
import { DEFAULT_HANDLER_CONCURRENCY } from '../constants';
import { Dispatcher } from '../dispatcher/dispatcher';
import { HandlerDefinition } from '../dispatcher/handler-definition.interface';
import { MessageContext } from '../context/message-context';
import { HandlerRegistrationError, SmartMessageError, UnknownTransportError } from '../errors';
import { SubscriptionFilter } from '../routing/subscription-filter';
import { MessageType } from '../interfaces/message-type.interface';
import { SubscribeOptions } from '../interfaces/subscribe-options.interface';
import { isThenable } from '../util/promises';
import { BusLifecycle } from './bus-lifecycle';
import { BusTransports } from './bus-transports';
import { currentMessage } from './conversation';
import { MessageBusOptions } from './message-bus-options.interface';
import { Publisher } from './publisher';
import { TransportSubscriptions } from './transport-subscriptions';

/** A handler for `MessageBus.addHandler`: discovered `@Subscribe` methods and `bus.subscribe` callbacks. */
export interface MessageHandlerRegistration<T extends object = object> {
  id: string;
  type: MessageType<T>;
  options?: SubscribeOptions<T>;
  invoke(message: T, context: MessageContext): unknown;
}

/** The bus's parts a registrar works with. */
export interface HandlerRegistrarParts {
  readonly options: MessageBusOptions;
  readonly registry: MessageTypeRegistry;
  readonly transports: BusTransports;
  readonly lifecycle: BusLifecycle;
  readonly dispatcher: Dispatcher;
  readonly subscriptions: TransportSubscriptions;
  /** Sends a handler's reply. */
  readonly publisher: Publisher;
}

/**
 * Turns a registration into a handler the dispatcher routes to: checks it (unique id, a
 * message type, concurrency, filters, transport), runs it in its message's conversation with
 * its return value sent as the reply, and once the bus has started subscribes its transport.
 */
export class HandlerRegistrar {
  private readonly ids = new Set<string>();
  private nextCallbackId = 1;

  constructor(private readonly parts: HandlerRegistrarParts) {}

  /** See `MessageBus.addHandler`. */
  async add<T extends object>(registration: MessageHandlerRegistration<T>): Promise<() => Promise<void>> {
    this.parts.lifecycle.assertOpenForHandlers();
    return this.register(this.define(registration));
  }

  /** See `MessageBus.subscribe`. */
  async addCallback<T extends object>(
    type: MessageType<T>,
    handler: (message: T, context: MessageContext) => unknown,
    options: SubscribeOptions<T>,
  ): Promise<() => Promise<void>> {
    const name = this.parts.registry.find(type)?.name ?? type.name;
    return this.add({ id: `${name}.subscriber_${this.nextCallbackId++}`, type, options, invoke: handler });
  }

  /** Checks a registration and builds its definition; throws `HandlerRegistrationError`. */
  define<T extends object>(registration: MessageHandlerRegistration<T>): HandlerDefinition {
    const { id, type, options = {} } = registration;
    const { registry, transports } = this.parts;
    if (this.ids.has(id)) throw new HandlerRegistrationError(id, 'a handler with this id is already registered');
    const messageType = registry.find(type);
    if (!messageType) {
      throw new HandlerRegistrationError(
        id,
        `its message type ${type?.name || String(type)} is not decorated with @Message()`,
      );
    }
    const concurrency = options.concurrency ?? this.parts.options.defaultConcurrency ?? DEFAULT_HANDLER_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new HandlerRegistrationError(id, `concurrency must be a positive integer, got ${String(concurrency)}`);
    }
    let filter: SubscriptionFilter;
    try {
      filter = new SubscriptionFilter(options);
    } catch (error) {
      throw new HandlerRegistrationError(id, (error as SmartMessageError).message);
    }
    if (options.authorize !== undefined && typeof options.authorize !== 'function') {
      throw new HandlerRegistrationError(
        id,
        `its authorize option must be a MessagePolicy function, got ${typeof options.authorize}`,
      );
    }
    const transport = messageType.transport ?? transports.defaultName;
    if (!transports.has(transport)) {
      throw new HandlerRegistrationError(
        id,
        new UnknownTransportError(transport, transports.names(), messageType.name).message,
      );
    }
    const replyType = options.replyType === undefined ? undefined : registry.find(options.replyType);
    if (options.replyType !== undefined && !replyType) {
      throw new HandlerRegistrationError(
        id,
        `its replyType ${options.replyType?.name || String(options.replyType)} is not decorated with @Message()`,
      );
    }
    // The dispatcher hands the policy an instance of this handler's class, so its `T` holds.
    const policy = handlerPolicy(options.authorize as MessagePolicy | undefined, this.parts.options.authorization);
    return {
      id,
      messageType,
      filter,
      concurrency,
      transport,
      // Set or not, every definition has the field: the dispatcher's one check per call reads one object shape.
      policy,
      receive: options.receive,
      replyType,
      invoke: (message, context) =>
        currentMessage.run(context.header, () => this.invokeAndReply(registration, message as T, context)),
    };
  }

  /** Adds a defined handler to the dispatcher; resolves with the function that removes it again. */
  async register(definition: HandlerDefinition): Promise<() => Promise<void>> {
    const { lifecycle, registry, dispatcher, subscriptions } = this.parts;
    lifecycle.assertOpenForHandlers();
    // Before start, start() checks every handled type at once.
    if (lifecycle.started) registry.assertUnambiguous([definition.messageType.target]);
    this.ids.add(definition.id);
    const remove = dispatcher.add(definition);
    if (lifecycle.started) {
      try {
        await subscriptions.ensure(definition.transport, definition.messageType.name);
      } catch (error) {
        // Not subscribed means not registered: a later attempt starts clean.
        remove();
        this.ids.delete(definition.id);
        throw error;
      }
    }
    return async () => {
      remove();
      this.ids.delete(definition.id);
      await subscriptions.release(definition.transport, definition.messageType.name);
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
    if (result === null || typeof result !== 'object' || !this.parts.registry.find(result.constructor))
      return undefined;
    const { header } = context;
    return this.parts.publisher.publish(result, {
      to: header.replyTo ?? header.from,
      correlationId: header.uuid,
      causationId: header.uuid,
    });
  }
}
