import { MessageContext } from '@smart-message/nestjs';
import { storage } from 'nestjs-pino/storage';
import { loggerOutsideHandlers, PinoLoggerSource } from './logger-source';
import { MessageLogStore, messageLogBindings } from './message-log-store';

/**
 * Runs `work` with nestjs-pino's logger bound to the message being handled, so that every line
 * written through `PinoLogger`, nestjs-pino's `Logger` (and Nest's `Logger` routed to it) carries
 * its correlationId, uuid, messageClass and handler. `MessageLoggingInterceptor` does this for
 * `@Subscribe` handlers; call it yourself in `bus.subscribe()` callbacks.
 */
export function runWithMessageLogger<T>(source: PinoLoggerSource, context: MessageContext, work: () => T): T {
  const store = new MessageLogStore(loggerOutsideHandlers(source), messageLogBindings(context));
  return storage.run(store, work);
}
