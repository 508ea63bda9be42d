import { SUBSCRIBE_METADATA } from '../constants';
import { MessageType } from '../interfaces/message-type.interface';
import { SubscribeOptions } from '../interfaces/subscribe-options.interface';

/** What `@Subscribe()` leaves on a method for the handler explorer to read back. */
export interface SubscribeMetadata {
  /** Explicit message type; otherwise the method's first parameter type is used. */
  type?: MessageType;
  options: SubscribeOptions;
}

/**
 * Makes a provider or controller method a message handler. The message type is the method's
 * first parameter type, or the class given first: `@Subscribe(OrderPlaced, { to: 'billing' })`.
 */
export function Subscribe(options?: SubscribeOptions): MethodDecorator;
export function Subscribe(type: MessageType, options?: SubscribeOptions): MethodDecorator;
export function Subscribe(
  typeOrOptions?: MessageType | SubscribeOptions,
  maybeOptions?: SubscribeOptions,
): MethodDecorator {
  const metadata: SubscribeMetadata =
    typeof typeOrOptions === 'function'
      ? { type: typeOrOptions, options: maybeOptions ?? {} }
      : { options: typeOrOptions ?? {} };
  return (_target, _key, descriptor) => {
    const existing =
      (Reflect.getOwnMetadata(SUBSCRIBE_METADATA, descriptor.value as object) as SubscribeMetadata[] | undefined) ?? [];
    Reflect.defineMetadata(SUBSCRIBE_METADATA, [...existing, metadata], descriptor.value as object);
  };
}
