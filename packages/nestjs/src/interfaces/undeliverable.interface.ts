import { Envelope } from './envelope.interface';

/** Why a received message did not reach a handler, or reached it and failed there. */
export type UndeliverableReason =
  | 'undecodable'
  | 'invalid'
  /** Older than the handler's class reads: no upcaster from its version, or below `minVersion`. */
  | 'version-mismatch'
  /** Newer than the handler's class, which reads newer versions only with `onFutureVersion: 'tolerant'`. */
  | 'future-version'
  | 'handler-failed'
  /** A guard of the handler refused it. */
  | 'rejected'
  /** The handler's `MessagePolicy` denied it (or threw): final, never retried. */
  | 'unauthorized'
  /** Its signature did not verify: invalid, by an unknown, retired or another entity's key. Final. */
  | 'unverified'
  /** It lacks what the receiver requires (a signature, encryption): a downgrade. Final. */
  | 'policy-violation'
  /** A signed message outside the freshness window, or one the handler already processed. Final. */
  | 'replayed'
  /** A transactional outbox's relay gave up publishing it (every attempt failed); replay sends it again. */
  | 'unsent'
  /** The handler's circuit breaker was open, on a transport that does not redeliver. */
  | 'circuit-open'
  | 'shutdown'
  /** Delivered more often than a durable transport allows. */
  | 'poison'
  /** Still pending when a bounded stream trimmed it away. */
  | 'trimmed'
  /** Dropped because the local delivery queue was full. */
  | 'overflow'
  /** Its header names another message type than the channel, stream or subscription it arrived on. */
  | 'misrouted'
  /** A reply to a waiting request from a sender the request does not accept (see `RequestOptions.replyFrom`). */
  | 'unexpected-reply'
  /** A registered message type that arrived where this instance has no handler for it (e.g. only a reply listener that was removed). */
  | 'no-handler'
  /** A message type this instance's catalog does not know at all. */
  | 'unknown-type';

/** Reported for every message a handler did not handle; the dead letter queue stores these. */
export interface UndeliverableMessage {
  reason: UndeliverableReason;
  /** The envelope as received (for `undecodable`, as much of it as could be read). */
  envelope?: Envelope;
  /** The raw frame, when the envelope itself could not be read. */
  frame?: string | Uint8Array;
  handlerId?: string;
  transport: string;
  attempt: number;
  /** The failure; after retries, the last attempt's error. */
  error: { name: string; message: string; code?: string; stack?: string };
}

/**
 * Receives every message a handler did not handle. A returned promise is awaited before a
 * durable transport acknowledges the message; if it rejects, the message stays with the broker.
 */
export type UndeliverableListener = (event: UndeliverableMessage) => unknown;
