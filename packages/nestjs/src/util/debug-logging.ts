import { MessageLogger } from '../interfaces/message-logger.interface';

/** A logger whose debug lines are written. */
export type DebugLogger = MessageLogger & Required<Pick<MessageLogger, 'debug'>>;

/**
 * True when a debug line would be written: callers build the line's fields only then, since
 * receive, filter and handler start/end lines come once per message and handler. Every debug line
 * of the library is such a per-message trace line, so the default `NestMessageLogger` answers
 * false here unless `traceMessages` is on; a logger without `isDebugEnabled` gets them all.
 */
export function debugEnabled(logger: MessageLogger): logger is DebugLogger {
  return logger.debug !== undefined && (logger.isDebugEnabled?.() ?? true);
}
