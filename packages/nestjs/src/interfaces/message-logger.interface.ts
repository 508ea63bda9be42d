/** The part of Nest's LoggerService the library writes to; structured fields travel as the last argument. */
export interface MessageLogger {
  log(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  debug?(message: string, fields?: Record<string, unknown>): void;
  /**
   * False when debug lines would be dropped, so the library skips building their fields on the
   * hot path. Without it, debug lines are built whenever `debug` exists.
   */
  isDebugEnabled?(): boolean;
}
