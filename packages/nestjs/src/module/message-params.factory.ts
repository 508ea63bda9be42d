import type { ParamsFactory } from './nest-internals';

/** Where a handler's arguments come from: the message first, its MessageContext second. */
export enum MessageParamType {
  MESSAGE = 0,
  CONTEXT = 1,
}

export const MESSAGE_PARAMS_METADATA = 'smart-message:params';

export class MessageParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, _data: unknown, args: unknown[]): unknown {
    return type === MessageParamType.CONTEXT ? args[1] : args[0];
  }
}

/**
 * Describes a handler's two parameters the way ExternalContextCreator reads parameter metadata,
 * so pipes (`@UsePipes`, global message pipes) run on the message with its class as metatype.
 */
export function defineMessageParams(target: object, methodName: string): void {
  if (Reflect.hasOwnMetadata(MESSAGE_PARAMS_METADATA, target, methodName)) return;
  Reflect.defineMetadata(
    MESSAGE_PARAMS_METADATA,
    {
      [`${MessageParamType.MESSAGE}:0`]: { index: 0, data: undefined, pipes: [] },
      [`${MessageParamType.CONTEXT}:1`]: { index: 1, data: undefined, pipes: [] },
    },
    target,
    methodName,
  );
}
