/**
 * The sample's two transports, chosen per message type with `@Message({ transport })`.
 * In memory mode both are in-memory; over Redis they differ in what they promise.
 */

/** Work that must not be lost: Redis Streams, each service gets a copy, its instances share the work. */
export const DURABLE_TRANSPORT = 'durable';

/** Fan-out notices and replies: Redis pub/sub, every subscribed instance gets each message, at most once. */
export const BROADCAST_TRANSPORT = 'broadcast';
