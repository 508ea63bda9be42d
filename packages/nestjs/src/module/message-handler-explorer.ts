import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from './nest-internals';
import { AUTHORIZE_METADATA } from '../authorization/authorization.constants';
import type { MessagePolicy } from '../authorization/message-policy.interface';
import { MessageHandlerRegistration } from '../bus/handler-registrar';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { SUBSCRIBE_METADATA } from '../constants';
import { SubscribeMetadata } from '../decorators/subscribe.decorator';
import { HandlerRegistrationError } from '../errors';
import { MessageType } from '../interfaces/message-type.interface';
import { MessageHandlerContextCreator } from './message-handler-context-creator';

/** Finds `@Subscribe` methods on providers and controllers and turns them into handler registrations. */
@Injectable()
export class MessageHandlerExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contextCreator: MessageHandlerContextCreator,
  ) {}

  explore(): MessageHandlerRegistration[] {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    // An alias (`useExisting`) is a second wrapper around the same instance: register it once.
    const seen = new Set<unknown>();
    return wrappers.flatMap((wrapper) => {
      const { instance } = wrapper;
      if (instance !== null && instance !== undefined) {
        if (seen.has(instance)) return [];
        seen.add(instance);
      }
      return this.exploreWrapper(wrapper);
    });
  }

  private exploreWrapper(wrapper: InstanceWrapper): MessageHandlerRegistration[] {
    const prototype = handlerPrototype(wrapper);
    if (!prototype) return [];
    const className = (prototype.constructor as { name?: string } | undefined)?.name ?? 'anonymous';
    return this.scanner.getAllMethodNames(prototype).flatMap((methodName) => {
      const method = prototype[methodName];
      const subscriptions =
        (typeof method === 'function' &&
          (Reflect.getMetadata(SUBSCRIBE_METADATA, method) as SubscribeMetadata[] | undefined)) ||
        [];
      return subscriptions.map((subscription, index) =>
        this.register(
          wrapper,
          prototype,
          className,
          methodName,
          subscription,
          subscriptions.length > 1 ? index : undefined,
        ),
      );
    });
  }

  private register(
    wrapper: InstanceWrapper,
    prototype: object,
    className: string,
    methodName: string,
    subscription: SubscribeMetadata,
    index: number | undefined,
  ): MessageHandlerRegistration {
    const id = index === undefined ? `${className}.${methodName}` : `${className}.${methodName}#${index + 1}`;
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
      throw new HandlerRegistrationError(
        id,
        'it is in a request-scoped or transient provider; message handlers must live in singleton providers',
      );
    }
    const parameterTypes = subscription.type ? undefined : designParameterTypes(prototype, methodName);
    if (!subscription.type && parameterTypes === undefined) {
      // Decorated methods always get this metadata when the compiler emits it: its absence means it does not.
      throw new HandlerRegistrationError(
        id,
        'cannot tell its message type: the method carries no parameter type metadata, so the compiler option ' +
          '"emitDecoratorMetadata" is off (or the build tool, e.g. esbuild or SWC without decorator metadata, drops it). ' +
          'Set "emitDecoratorMetadata": true (with "experimentalDecorators") in tsconfig.json, ' +
          'or name the type: @Subscribe(OrderPlaced, {...})',
      );
    }
    const type = subscription.type ?? parameterTypes?.[0];
    if (!subscription.type && parameterTypes?.length === 0) {
      throw new HandlerRegistrationError(
        id,
        'cannot tell its message type: the method takes no parameter. ' +
          'Take the message as its first parameter, typed with its @Message() class, or name the type: @Subscribe(OrderPlaced)',
      );
    }
    if (typeof type !== 'function' || type === Object || !messageTypeRegistry.find(type)) {
      const seen =
        typeof type === 'function' && type !== Object
          ? `class ${type.name} without @Message()`
          : 'an interface, a union or any';
      throw new HandlerRegistrationError(
        id,
        `cannot tell its message type: its first parameter is ${seen}. ` +
          'Type the parameter with a class decorated with @Message(), or name the type: @Subscribe(OrderPlaced, {...})',
      );
    }
    const policy = subscription.options.authorize ?? authorizePolicy(prototype, method(prototype, methodName));
    const replyType = subscription.options.replyType ?? returnedMessageType(prototype, methodName);
    const options = {
      ...subscription.options,
      ...(policy === undefined ? {} : { authorize: policy }),
      ...(replyType === undefined ? {} : { replyType }),
    };
    return {
      id,
      type: type as MessageType,
      options,
      invoke: this.contextCreator.create(wrapper.instance as object, methodName, id, wrapper.host?.token),
    };
  }
}

/**
 * The prototype that carries the `@Subscribe` methods: the instance's, because factory and value
 * providers have a factory function or nothing as metatype, yet their instances are classes with handlers.
 */
function handlerPrototype(wrapper: InstanceWrapper): Record<string, unknown> | undefined {
  const { instance, metatype } = wrapper;
  if (typeof instance === 'object' && instance !== null)
    return Object.getPrototypeOf(instance) as Record<string, unknown>;
  if (typeof metatype === 'function' && metatype.prototype) return metatype.prototype as Record<string, unknown>;
  return undefined;
}

function method(prototype: object, methodName: string): object {
  return (prototype as Record<string, object>)[methodName];
}

/** `@Authorize()` on the method, else on its class (a subclass's own wins over an inherited one). */
function authorizePolicy(prototype: object, handler: object): MessagePolicy | undefined {
  return (
    (Reflect.getMetadata(AUTHORIZE_METADATA, handler) as MessagePolicy | undefined) ??
    (Reflect.getMetadata(AUTHORIZE_METADATA, prototype.constructor) as MessagePolicy | undefined)
  );
}

/** A synchronous handler typed to return a `@Message()` class replies with it (an async one returns a Promise). */
function returnedMessageType(prototype: object, methodName: string): MessageType | undefined {
  const returned = Reflect.getMetadata('design:returntype', prototype, methodName) as unknown;
  return messageTypeRegistry.find(returned) ? (returned as MessageType) : undefined;
}

function designParameterTypes(prototype: object, methodName: string): unknown[] | undefined {
  return Reflect.getMetadata('design:paramtypes', prototype, methodName) as unknown[] | undefined;
}
