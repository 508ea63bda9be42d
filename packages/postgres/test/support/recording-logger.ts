import { MessageLogger } from '@smart-message/nestjs';

export interface LoggedLine {
  level: 'log' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line, so a spec can count warnings (one per outage, not one per retry). */
export function recordingLogger(): { logger: MessageLogger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const record =
    (level: LoggedLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void =>
      void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, logger: { log: record('log'), warn: record('warn'), error: record('error') } };
}
