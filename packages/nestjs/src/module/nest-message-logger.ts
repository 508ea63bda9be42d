import { Logger } from '@nestjs/common';
import { MessageLogger } from '../interfaces/message-logger.interface';

/** Options of `NestMessageLogger`. */
export interface NestMessageLoggerOptions {
  /**
   * Write the message trace: the library's debug lines, several per message (published, received,
   * filtered out, handler started and finished). Default false, because Nest's default logger
   * prints debug lines and a plain app would log each message about six times. The lines still
   * go through `Logger.debug`, so a Nest logger whose levels leave out `debug` drops them.
   */
  traceMessages?: boolean;
}

/**
 * Writes the library's log lines through Nest's `Logger`, with scalar fields appended as key=value.
 * Per-message debug lines are written only with `traceMessages: true`.
 */
export class NestMessageLogger implements MessageLogger {
  private readonly logger: Logger;
  private readonly traceMessages: boolean;

  constructor(context = 'SmartMessage', options: NestMessageLoggerOptions = {}) {
    this.logger = new Logger(context);
    this.traceMessages = options.traceMessages === true;
  }

  log(message: string, fields?: Record<string, unknown>): void {
    this.logger.log(withFields(message, fields));
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.logger.warn(withFields(message, fields));
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.logger.error(withFields(message, fields));
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.traceMessages) this.logger.debug(withFields(message, fields));
  }

  /** Lets the bus skip building the trace's fields when nothing would be written. */
  isDebugEnabled(): boolean {
    return this.traceMessages;
  }
}

function withFields(message: string, fields: Record<string, unknown> | undefined): string {
  if (!fields) return message;
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined && (typeof value !== 'object' || value === null))
    .map(([key, value]) => `${key}=${String(value)}`);
  return pairs.length > 0 ? `${message} ${pairs.join(' ')}` : message;
}
