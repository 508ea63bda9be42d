import { ArgumentsHost } from '@nestjs/common';
import { MessageContext } from '../context/message-context';

/** `host.getType()` of a message handler's execution context. */
export const SMART_MESSAGE_CONTEXT_TYPE = 'smart-message';
export type SmartMessageContextType = typeof SMART_MESSAGE_CONTEXT_TYPE;

/**
 * True when a guard, interceptor, pipe or filter runs for a message handler, so a global HTTP
 * guard can let messages through to their policies: `if (isSmartMessageContext(ctx)) return true`.
 */
export function isSmartMessageContext(host: ArgumentsHost): boolean {
  return host.getType<string>() === SMART_MESSAGE_CONTEXT_TYPE;
}

/** @deprecated Use `isSmartMessageContext`, which says whose context it detects. Removed in 0.3.0. */
export const isMessageContext = isSmartMessageContext;

/** The message a handler is about to receive, from its execution context. */
export function getMessage<T extends object = object>(host: ArgumentsHost): T {
  return host.getArgByIndex<T>(0);
}

/** The handler's MessageContext (header, envelope, transport, attempt, handler id), from its execution context. */
export function getMessageContext(host: ArgumentsHost): MessageContext {
  return host.getArgByIndex<MessageContext>(1);
}
