/** Options of `SmartMessageHealthIndicator.transports()`. */
export interface TransportsCheckOptions {
  /** How long each transport's round trip may take (default 1000 ms). */
  timeoutMs?: number;
  /** Down when a durable consumer group has more unread entries than this on a stream. */
  maxLag?: number;
  /** Down when a durable consumer group has more read-but-unacknowledged entries than this. */
  maxPending?: number;
  /**
   * Down when the oldest entry a consumer group of this service could be handling has been due
   * for longer than this, in ms (transports that know due times, e.g. PostgreSQL): a stuck
   * group whose backlog is too small for `maxLag`.
   */
  maxOldestDueAgeMs?: number;
}

/** Options of `SmartMessageHealthIndicator.deadLetters()`. */
export interface DeadLettersCheckOptions {
  /** Down when the dead letter queue holds more entries than this. */
  maxEntries: number;
}

/** Options of `SmartMessageHealthIndicator.inFlight()`. */
export interface InFlightCheckOptions {
  /** Down when more handler calls than this are running at once. */
  max: number;
}
