/** A decoded payload as it travels: a plain object, before it becomes an instance of a class. */
export type PlainPayload = Record<string, unknown>;

/**
 * Maps the plain decoded payload of version n to version n + 1. Pure and synchronous: no IO, no
 * clock, no randomness, since the same old message may be read again from a dead letter or an
 * archive and must become the same new one. It receives what a sender wrote, before validation:
 * read it defensively; the class's rules validate what it returns.
 */
export type Upcaster = (payload: PlainPayload) => PlainPayload;

/** Maps a payload of version n + 1 to version n, for consumers not yet upgraded (see `downcast`). */
export type Downcaster = (payload: PlainPayload) => PlainPayload;

/**
 * What a receiver does with a message of a version newer than its class: `reject` dead-letters it
 * as `future-version`; `tolerant` drops the properties the class does not declare and validates
 * the rest against the class's rules.
 */
export type FutureVersionPolicy = 'reject' | 'tolerant';
