import { Logger } from '@nestjs/common';
import { MessageLogger } from '../interfaces/message-logger.interface';

/** Writes the library's log lines through Nest's `Logger`, with scalar fields appended as key=value. */
export class NestMessageLogger implements MessageLogger {
  private readonly logger: Logger;

  constructor(context = 'SmartMessage') {
    this.logger = new Logger(context);
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
    this.logger.debug(withFields(message, fields));
  }
}

function withFields(message: string, fields: Record<string, unknown> | undefined): string {
  if (!fields) return message;
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined && (typeof value !== 'object' || value === null))
    .map(([key, value]) => `${key}=${String(value)}`);
  return pairs.length > 0 ? `${message} ${pairs.join(' ')}` : message;
}
