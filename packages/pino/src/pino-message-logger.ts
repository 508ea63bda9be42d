import { MessageLogger } from '@smart-message/nestjs';
import { storage } from 'nestjs-pino/storage';
import { stdSerializers } from 'pino';
import type { Level, Logger } from 'pino';
import { loggerInEffect, PinoLoggerSource } from './logger-source';
import { MessageLogBindings, MessageLogStore } from './message-log-store';

export interface PinoMessageLoggerOptions {
  /**
   * The `context` field of the library's lines, as nestjs-pino's `Logger` writes one for Nest's
   * own lines (default `SmartMessage`); `false` leaves it out.
   */
  context?: string | false;
}

type LineFields = Record<string, unknown>;

const DEFAULT_CONTEXT = 'SmartMessage';

/**
 * The library's `MessageLogger` on pino: fields become pino fields, the text becomes `msg`, and
 * log/warn/error/debug become info/warn/error/debug. Lines go to the logger in effect (an HTTP
 * request's or a handler's, when nestjs-pino holds one), and every line naming a message carries
 * its conversation as `correlationId` (the header's, or the message's uuid when it has none).
 */
export class PinoMessageLogger implements MessageLogger {
  private readonly contextField: LineFields;

  constructor(
    private readonly source: PinoLoggerSource,
    options: PinoMessageLoggerOptions = {},
  ) {
    const context = options.context ?? DEFAULT_CONTEXT;
    this.contextField = context === false ? {} : { context };
  }

  log(message: string, fields?: LineFields): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: LineFields): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: LineFields): void {
    this.write('error', message, fields);
  }

  debug(message: string, fields?: LineFields): void {
    this.write('debug', message, fields);
  }

  isDebugEnabled(): boolean {
    return this.target().logger.isLevelEnabled('debug');
  }

  private write(level: Level, message: string, fields: LineFields | undefined): void {
    const { logger, bindings } = this.target();
    if (!logger.isLevelEnabled(level)) return;
    logger[level](this.line(fields, bindings), message);
  }

  /**
   * Inside a handler, the handler's bindings apply to lines about its own message; a line about
   * another one (published from the handler, or delivered in its async context) keeps only its
   * own fields, so no key appears twice and no line names the wrong handler.
   */
  private target(): { logger: Logger; bindings?: MessageLogBindings } {
    const store = storage.getStore();
    if (store instanceof MessageLogStore && store.unchanged) return { logger: store.base, bindings: store.bindings };
    return { logger: loggerInEffect(this.source) };
  }

  private line(fields: LineFields | undefined, bindings: MessageLogBindings | undefined): LineFields {
    const about = fields?.uuid;
    const line: LineFields =
      bindings !== undefined && (about === undefined || about === bindings.uuid)
        ? { ...this.contextField, ...bindings, ...withoutUndefined(fields) }
        : { ...this.contextField, ...fields };
    if (line.correlationId === undefined && line.uuid !== undefined) line.correlationId = line.uuid;
    for (const [key, value] of Object.entries(line)) {
      // pino serializes an Error only under `err`; elsewhere it would print as {}.
      if (value instanceof Error) line[key] = stdSerializers.err(value);
    }
    return line;
  }
}

/** Keeps a binding when the line leaves its field undefined (the dispatcher lists every header field). */
function withoutUndefined(fields: LineFields | undefined): LineFields | undefined {
  if (fields === undefined) return undefined;
  const defined: LineFields = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) defined[key] = value;
  return defined;
}
