import { Envelope } from '../../interfaces/envelope.interface';
import { MessageLogger } from '../../interfaces/message-logger.interface';
import { MessageObserver } from '../../interfaces/message-observer.interface';
import { SECURITY_EVENT_LEVELS, SecurityEvent, SecurityEventName } from './security-event';
import { parseSignatureBlock } from '../signing/signature-block';

/** The log channel of security events: route or ship it apart from the application's logs. */
export const SECURITY_LOG_CHANNEL = 'smartmessage.security';

const DEFAULT_LINES = 10;
const DEFAULT_INTERVAL_MS = 10_000;
/** Senders choose `from`, so the keys the limiter tracks are bounded; beyond this, all share one. */
const MAX_KEYS = 1000;
const LONGEST_KEY_PART = 64;

interface Window {
  started: number;
  lines: number;
  suppressed: number;
}

/**
 * Reports security events: to every observer (metrics, tracing) each time, and to the log on
 * the `smartmessage.security` channel at most `lines` times per event name and claimed sender
 * per interval; the next line after an interval says how many were left out. A flood of
 * forgeries therefore costs a counter increment each, not a log line each.
 */
export class SecurityAudit {
  private readonly windows = new Map<string, Window>();
  private readonly lines: number;
  private readonly intervalMs: number;

  constructor(
    private readonly logger: MessageLogger,
    private readonly observers: readonly MessageObserver[],
    limit: { lines?: number; intervalMs?: number } = {},
    private readonly now: () => number = Date.now,
  ) {
    this.lines = limit.lines ?? DEFAULT_LINES;
    this.intervalMs = limit.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  /** Reports an event about a received message: its header's ids and addresses, the error's words and code. */
  emitFor(
    name: SecurityEventName,
    error: { readonly message: string; readonly code?: string; readonly kid?: string },
    envelope: Envelope,
    transport: string,
    details: { mode?: 'enforce' | 'report'; handlerId?: string; verified?: boolean } = {},
  ): void {
    const { header } = envelope;
    const block = header.signature === undefined ? undefined : parseSignatureBlock(header.signature);
    this.emit({
      name,
      level: SECURITY_EVENT_LEVELS[name],
      reason: error.message,
      code: error.code,
      mode: details.mode ?? 'enforce',
      uuid: header.uuid,
      messageClass: header.messageClass,
      version: header.version,
      claimedFrom: header.from,
      to: header.to,
      kid: typeof error.kid === 'string' ? error.kid : undefined,
      sigKid: typeof block === 'object' ? block.kid : undefined,
      transport,
      handlerId: details.handlerId,
      verified: details.verified ?? false,
    });
  }

  emit(event: SecurityEvent): void {
    for (const observer of this.observers) {
      try {
        observer.securityEvent?.(event);
      } catch {
        // An observer must not throw; if one does, the audit line below is still written.
      }
    }
    const window = this.windowOf(event);
    if (window.lines >= this.lines) {
      window.suppressed++;
      return;
    }
    window.lines++;
    // `name` and `level` are renamed: loggers such as pino own a `level` field, and a second one would
    // overwrite the line's real severity.
    const { name, level, ...rest } = event;
    const fields: Record<string, unknown> = {
      channel: SECURITY_LOG_CHANNEL,
      event: name,
      securityLevel: level,
      ...rest,
    };
    const text = `Security event ${event.name}${event.mode === 'report' ? ' (report only)' : ''}: ${event.reason}`;
    if (level === 'critical') this.logger.error(text, fields);
    else if (level === 'warn') this.logger.warn(text, fields);
    else this.logger.log(text, fields);
  }

  private windowOf(event: SecurityEvent): Window {
    const now = this.now();
    let key = `${event.name}|${(event.claimedFrom ?? '').slice(0, LONGEST_KEY_PART)}`;
    if (!this.windows.has(key) && this.windows.size >= MAX_KEYS) {
      this.sweep(now);
      if (this.windows.size >= MAX_KEYS) key = `${event.name}|(many senders)`;
    }
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { started: now, lines: 0, suppressed: 0 };
      this.windows.set(key, window);
    } else if (now - window.started >= this.intervalMs) {
      if (window.suppressed > 0)
        this.logger.warn(`Security event ${event.name}: ${window.suppressed} more left out of the log`, {
          channel: SECURITY_LOG_CHANNEL,
          event: event.name,
          claimedFrom: event.claimedFrom,
          suppressed: window.suppressed,
          intervalMs: this.intervalMs,
        });
      window.started = now;
      window.lines = 0;
      window.suppressed = 0;
    }
    return window;
  }

  /** Drops windows whose interval ended with nothing left out: their counts no longer matter. */
  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.started >= this.intervalMs && window.suppressed === 0) this.windows.delete(key);
  }
}
