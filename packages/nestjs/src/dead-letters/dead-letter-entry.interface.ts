import { Envelope } from '../interfaces/envelope.interface';
import { UndeliverableMessage, UndeliverableReason } from '../interfaces/undeliverable.interface';

/** Why the last attempt failed: the error's name, message, code and stack. */
export type DeadLetterError = UndeliverableMessage['error'];

/** One message a handler did not handle, kept until it is replayed or purged. */
export interface DeadLetterEntry {
  /**
   * Stable for one message in one handler (its uuid and the handler id), so the same message
   * failing again in the same handler updates this entry instead of adding one.
   */
  id: string;
  /** Why the last attempt did not succeed. */
  reason: UndeliverableReason;
  /** The envelope exactly as it was received; absent when the frame could not be read at all. */
  envelope?: Envelope;
  /** The raw frame, kept instead of an envelope when the envelope could not be read. */
  frame?: string | Uint8Array;
  /** The handler that failed or refused it; absent when no handler got it (e.g. an undecodable payload). */
  handlerId?: string;
  /** Name of the transport it was received on. */
  transport: string;
  /** How many times it failed into the queue: 1 at first, one more for each failed replay. */
  attempts: number;
  /**
   * The attempt number the last failure reported: the delivery count on durable transports, or
   * the tries a retry policy made.
   */
  lastAttempt: number;
  /** ISO 8601, when it first failed. */
  firstFailedAt: string;
  /** ISO 8601, when it last failed; the time that list filters, ordering and paging use. */
  lastFailedAt: string;
  error: DeadLetterError;
}
