/**
 * The sample's two transports, chosen per message type with `@Message({ transport })`.
 * Each mode (`modes/`) gives both; in memory mode both are in-memory, on a broker they differ in
 * what they promise.
 */

/** Work that must not be lost: each service gets a copy, its instances share the work (Redis Streams, RabbitMQ). */
export const DURABLE_TRANSPORT = 'durable';

/** Fan-out notices and replies: Redis pub/sub, every subscribed instance gets each message, at most once. */
export const BROADCAST_TRANSPORT = 'broadcast';

export type TransportName = typeof DURABLE_TRANSPORT | typeof BROADCAST_TRANSPORT;
