import { Envelope } from './envelope.interface';
import type { SecurityEvent } from '../security/audit/security-event';
import { UndeliverableMessage } from './undeliverable.interface';

/** One handler call, as observers see it. */
export interface HandlerCall {
  readonly envelope: Envelope;
  readonly handlerId: string;
  readonly transport: string;
  readonly attempt: number;
}

/**
 * Watches the bus for metrics, tracing and the like; every method is optional. Observers must be
 * cheap and must not throw: they run on the hot path of every message.
 */
export interface MessageObserver {
  /** A sealed message is about to go to its transport; may return the envelope to send instead (e.g. with trace context). */
  beforePublish?(envelope: Envelope, transport: string): Envelope | void;
  /** The transport took the message, or failed to (`error`). */
  afterPublish?(envelope: Envelope, transport: string, error?: Error): void;
  /** A transport delivered a message to this process. */
  received?(envelope: Envelope, transport: string): void;
  /** A handler's filters did not let a message through. */
  filteredOut?(envelope: Envelope, handlerId: string): void;
  /**
   * Runs a handler call: call `run` exactly once and return what it returns. Observers are
   * nested in the order given, so each sees the call's outcome (a rejection is a failure).
   */
  aroundHandler?(call: HandlerCall, run: () => Promise<void>): Promise<void>;
  /**
   * A handler call failed and its retry policy (`@Retry()`, the module's `retry`) will call the
   * handler again after `delayMs`; `call.attempt` is the attempt that failed. Not called when the
   * attempts run out (that failure reaches `aroundHandler` and `undeliverable`).
   */
  retrying?(call: HandlerCall, error: Error, delayMs: number): void;
  /** A message was reported as undeliverable (and is on its way to the dead letter queue). */
  undeliverable?(event: UndeliverableMessage): void;
  /**
   * A security event: a forged, tampered, replayed or refused message, or a key change. Called
   * for every event (counters stay exact); only the audit log is rate-limited. Written before
   * the message is dead-lettered and acknowledged.
   */
  securityEvent?(event: SecurityEvent): void;
}
