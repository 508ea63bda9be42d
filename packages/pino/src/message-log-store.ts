import { MessageContext } from '@smart-message/nestjs';
import { Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';

/** What every log line written while a handler runs carries. */
export interface MessageLogBindings {
  /** The conversation: the header's correlationId, or the message's own uuid when it starts one. */
  correlationId: string;
  uuid: string;
  messageClass: string;
  handler: string;
}

export function messageLogBindings(context: MessageContext): MessageLogBindings {
  const { uuid, messageClass, correlationId } = context.header;
  return { correlationId: correlationId ?? uuid, uuid, messageClass, handler: context.handlerId };
}

/**
 * nestjs-pino's per-request store, holding a child logger bound to one handled message. It
 * remembers the logger it was derived from, so that a handler started inside another handler's
 * store (a message delivered in its publisher's async context) binds its own message only,
 * and the library's lines about other messages are not stamped with this one's fields.
 */
export class MessageLogStore extends Store {
  private readonly bound: Logger;

  constructor(
    /** The logger in effect outside the handler: the HTTP request's, or the application's root logger. */
    readonly base: Logger,
    readonly bindings: MessageLogBindings,
  ) {
    const bound = base.child(bindings);
    super(bound);
    this.bound = bound;
  }

  /** False once `PinoLogger.assign()` replaced the store's logger inside the handler. */
  get unchanged(): boolean {
    return this.logger === this.bound;
  }
}
