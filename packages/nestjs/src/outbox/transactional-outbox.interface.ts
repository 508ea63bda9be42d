import type { Envelope } from '../interfaces/envelope.interface';
import type { TransportCapabilities, TransportPublishOptions } from '../transports/transport-publish-options.interface';

/** What an outbox relay publishes through: the bus's `publishEnvelope`, which keeps the uuid and header. */
export interface OutboxRelayTarget {
  publishEnvelope(envelope: Envelope, transportName: string): Promise<void>;
  /**
   * Reports a message the relay gave up on (every publish failed) as undeliverable, reason
   * `unsent`: the dead letter queue keeps it, and a replay publishes it to `transportName`.
   * Resolves once the queue recorded it.
   */
  reportUnsent(envelope: Envelope, transportName: string, error: Error): Promise<void>;
}

/**
 * Where `bus.publish(message, { transaction })` writes a message whose transport cannot write
 * inside the caller's transaction (Redis, for one): a table in the caller's database, written
 * through that transaction, that a relay reads after commit and publishes to the transport.
 * The message is sent if and only if the transaction commits, at least once; the uuid it keeps
 * lets subscribers that deduplicate drop a relay's retry. `@smart-message/postgres` ships one.
 */
export interface TransactionalOutbox {
  /** Which options beyond `transaction` the outbox holds for the relay (e.g. `notBefore`). */
  readonly supports?: TransportCapabilities;
  /**
   * Writes the envelope for `transportName` through `transaction`. Rejects, writing nothing,
   * when `transaction` is not an open transaction the outbox can use.
   */
  store(
    envelope: Envelope,
    transportName: string,
    transaction: object,
    options: TransportPublishOptions,
  ): Promise<void>;
  /** Called once by the bus after its transports started: the relay (where enabled) publishes through `target`. */
  start?(target: OutboxRelayTarget): Promise<void>;
  /** Called by the bus at shutdown, before its transports close: the relay stops, and connections are released. */
  close?(): Promise<void>;
}
