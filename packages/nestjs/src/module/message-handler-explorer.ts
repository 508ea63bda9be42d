import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { MessageHandlerRegistration } from '../bus/message-bus';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { SUBSCRIBE_METADATA } from '../constants';
import { SubscribeMetadata } from '../decorators/subscribe.decorator';
import { HandlerRegistrationError } from '../errors';
import { MessageType } from '../interfaces/message-type.interface';

/** Finds `@Subscribe` methods on providers and controllers and turns them into handler registrations. */
@Injectable()
export class MessageHandlerExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  explore(): MessageHandlerRegistration[] {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    return wrappers.flatMap((wrapper) => this.exploreWrapper(wrapper));
  }

  private exploreWrapper(wrapper: InstanceWrapper): MessageHandlerRegistration[] {
    const { metatype } = wrapper;
    if (typeof metatype !== 'function' || !metatype.prototype) return [];
    const prototype = metatype.prototype as Record<string, unknown>;
    return this.scanner.getAllMethodNames(prototype).flatMap((methodName) => {
      const method = prototype[methodName];
      const subscriptions =
        (typeof method === 'function' &&
          (Reflect.getMetadata(SUBSCRIBE_METADATA, method) as SubscribeMetadata[] | undefined)) ||
        [];
      return subscriptions.map((subscription, index) =>
        this.register(wrapper, metatype.name, methodName, subscription, subscriptions.length > 1 ? index : undefined),
      );
    });
  }

  private register(
    wrapper: InstanceWrapper,
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
    const type = subscription.type ?? this.firstParameterType(wrapper, methodName);
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
    const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown>;
    return {
      id,
      type: type as MessageType,
      options: subscription.options,
      invoke: (message, context) => instance[methodName]!(message, context),
    };
  }

  private firstParameterType(wrapper: InstanceWrapper, methodName: string): unknown {
    const types = Reflect.getMetadata(
      'design:paramtypes',
      (wrapper.metatype as { prototype: object }).prototype,
      methodName,
    ) as unknown[] | undefined;
    return types?.[0];
  }
}
