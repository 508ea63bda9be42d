import type { Envelope, MessageHeader, UndeliverableReason } from '@smart-message/nestjs';

/** The lists a harness keeps, one per kind of event. */
export type HarnessEventKind = 'published' | 'received' | 'handled' | 'failed' | 'retried' | 'deadLettered' | 'replied';

/** One captured event: the message with its header, and what happened to it. */
export interface CapturedMessage<T extends object = object> {
  readonly kind: HarnessEventKind;
  /** Order of capture across every list of the harness, from 1. */
  readonly sequence: number;
  /** The message's routing name (`header.messageClass`). */
  readonly messageClass: string;
  readonly header: Readonly<MessageHeader>;
  /** The envelope as it travelled, when there was one (a dead letter of an unreadable frame has none). */
  readonly envelope?: Envelope;
  /**
   * The payload as an instance of its class. Handled, failed and retried entries hold the very
   * instance the handler got; the others decode the envelope on first read (throws if the
   * payload cannot be decoded: see `envelope`, `reason` and `error`).
   */
  readonly payload: T;
  readonly transport: string;
  /** The handler, on handled, failed, retried and (when known) dead-lettered entries. */
  readonly handlerId?: string;
  readonly attempt?: number;
  /** Failed, retried and dead-lettered entries: why. */
  readonly error?: Error;
  /** Dead-lettered entries: the reason recorded with the dead letter. */
  readonly reason?: UndeliverableReason;
  /** Retried entries: how long the retry policy waits before the next attempt. */
  readonly delayMs?: number;
}
