import { Envelope } from '../interfaces/envelope.interface';
import { DeadLetterError } from './dead-letter-entry.interface';

/**
 * `handler`: straight to the handler that failed, past its filters (`MessageBus.deliverTo`).
 * `transport`: published again unchanged (`MessageBus.publishEnvelope`), so every subscriber of
 * its type gets it again, not only the handler that failed.
 */
export type ReplayVia = 'handler' | 'transport';

export interface ReplayOptions {
  /** Default: `handler` when the entry has a handler id, else `transport`. */
  via?: ReplayVia;
  /** When replaying by filter: replay at most this many entries, oldest first. */
  limit?: number;
}

/**
 * What became of one entry:
 * - `replayed`: the handler succeeded, or the transport took the message; the entry is gone.
 * - `failed`: it failed again, or could not be published; the entry stays, with `attempts` as it is now.
 * - `skipped`: nothing was tried (no envelope to send, no handler id, no such handler here, a replay of it running).
 * - `not-found`: no entry with this id.
 */
export interface ReplayOutcome {
  id: string;
  status: 'replayed' | 'failed' | 'skipped' | 'not-found';
  via?: ReplayVia;
  attempts?: number;
  error?: DeadLetterError;
  /** Why it was skipped. */
  detail?: string;
}

export interface ReplayReport {
  replayed: number;
  failed: number;
  /** Skipped or not found. */
  skipped: number;
  outcomes: ReplayOutcome[];
}

/** What replay sends through: the message bus. */
export interface DeadLetterReplayTarget {
  deliverTo(handlerId: string, envelope: Envelope, transportName?: string): Promise<void>;
  publishEnvelope(envelope: Envelope, transportName?: string): Promise<void>;
}
