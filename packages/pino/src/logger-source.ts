import { PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { MessageLogStore } from './message-log-store';

/** Where the logging comes from: nestjs-pino's injectable `PinoLogger`, or a pino logger of the application's. */
export type PinoLoggerSource = PinoLogger | Logger;

/**
 * The logger that applies right now, as nestjs-pino resolves it: inside a handler the child bound
 * to its message, inside an HTTP request the request's, else the root one. For applications that
 * log through a plain pino logger rather than nestjs-pino's `PinoLogger`.
 */
export function loggerInEffect(source: PinoLoggerSource): Logger {
  return storage.getStore()?.logger ?? rootLogger(source);
}

/**
 * The logger in effect outside any message handler: the HTTP request's when a request started
 * the work, otherwise the root one.
 */
export function loggerOutsideHandlers(source: PinoLoggerSource): Logger {
  const store = storage.getStore();
  if (store instanceof MessageLogStore) return store.base;
  return store?.logger ?? rootLogger(source);
}

function rootLogger(source: PinoLoggerSource): Logger {
  // Outside a store, PinoLogger's `logger` is the one LoggerModule.forRoot() configured.
  return source instanceof PinoLogger ? source.logger : source;
}
