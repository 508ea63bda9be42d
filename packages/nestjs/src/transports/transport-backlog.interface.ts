/**
 * The waiting work of one consumer group for one message type on a queue-backed transport, as
 * `Transport.backlog()` reports it: what metrics (queue depth) and health checks (lag) read.
 */
export interface QueueBacklog {
  /** The consumer group (the subscribing service's `entity`). */
  group: string;
  messageClass: string;
  /** Due now and held by no consumer: what the group has not picked up yet (its lag). */
  ready: number;
  /** Not due yet: published with a delay, or waiting out a retry backoff. */
  delayed: number;
  /** Claimed by a consumer whose lease has not run out: being handled. */
  leased: number;
  /** How long the oldest ready entry has been due, in ms; 0 when nothing is ready. */
  oldestDueAgeMs: number;
}
