/**
 * `@smart-message/nestjs/transport-kit`: what an author of a transport or a store needs beyond
 * the user API, and nothing an application needs. docs/writing-a-transport.md explains each
 * rule these pieces keep; `@smart-message/testing` holds the conformance suites to run.
 *
 * @packageDocumentation
 */

// The transport contract beyond the `Transport` interface users see
export type {
  EnvelopeHandler,
  DeliveryInfo,
  FrameRejection,
  FrameRejectionReason,
  TransportSubscribeOptions,
  TransportSubscription,
  TransportHealthLimits,
} from '../transports/transport.interface';

/** The limits of `TransportHealthLimits` applied to one group's `QueueBacklog`, as problem lines. */
export { backlogProblems } from '../transports/backlog-problems';

// Delivery: concurrency, order and back-pressure for a subscription
export { DeliveryQueue } from '../transports/delivery-queue';
export type { DeliveryQueueOptions } from '../transports/delivery-queue';

// Connections: bounds on what waits for a broker, and the retry backoff (docs/writing-a-transport.md, "Helpers")
/** Sends commands across a reconnect within a time and a count bound, failing with the transport's own errors past them. */
export { ReconnectGate } from '../transports/reconnect-gate';
/** The wording of a startup connection error: where, while doing what, the cause and the fix. */
export { connectionFailureMessage } from '../transports/connection-failure-message';
export type { ConnectionFailureDescription } from '../transports/connection-failure-message';
/** What a `ReconnectGate` asks of a connection, and its bounds and errors. */
export type { GatedConnection, ReconnectGateOptions } from '../transports/reconnect-gate';
/** Runs at most a number of operations at once (publishes awaiting the broker's answer), the rest waiting in order. */
export { InFlightLimit } from '../transports/in-flight-limit';
/** How many callers may wait for an `InFlightLimit` slot, and the error for one more. */
export type { InFlightWaitingBound } from '../transports/in-flight-limit';
/** The wait before a retry: doubling from a base to a ceiling, optionally jittered. */
export { backoffDelay } from '../transports/backoff-delay';
/** The parameters of `backoffDelay`. */
export type { Backoff } from '../transports/backoff-delay';

// Publishing: several frames per broker message
/** Gathers the frames published to each destination into batches sent as one broker message each. */
export { FrameBatcher } from '../transports/frame-batcher';
/** A `FrameBatcher`'s bounds and sender, and the transport's batch format. */
export type { FrameBatcherOptions, FrameBatchFormat } from '../transports/frame-batcher';

// Frames: the CloudEvents codec, serializers by name, header and size limits
export { CloudEventsFrameCodec } from '../codec/cloud-events-frame.codec';
export type { CloudEventFrame, ContentTypeResolver } from '../codec/cloud-events-frame.codec';
export { SerializerRegistry } from '../codec/serializer-registry';

// Serializer chains: the stage contract, the chain's spelling, and the runner the bus uses
export type { PayloadStage, PayloadStageContext, PayloadStageKind } from '../codec/chain/payload-stage.interface';
export { CompressionStage } from '../codec/compression/compression-stage';
export type { Compressor } from '../codec/compression/compression-stage';
export { StageRegistry } from '../codec/chain/stage-registry';
// Encryption: the canonical header bytes an encryption or signing stage binds, and the a256gcm layout
export {
  canonicalHeaderBytes,
  CANONICAL_HEADER_FIELDS,
  CANONICAL_HEADER_DOMAIN,
} from '../codec/encryption/canonical-header';
export { ENCRYPTED_PAYLOAD_VERSION, NONCE_BYTES, TAG_BYTES } from '../codec/encryption/encrypted-payload';
// and the x25519 (recipient) layout
export { RECIPIENT_PAYLOAD_VERSION, WRAPPED_KEY_BYTES } from '../codec/encryption/recipient/recipient-payload';
export { X25519_AAD_DOMAIN } from '../codec/encryption/recipient/x25519.stage';
export { PayloadCodec } from '../codec/chain/payload-codec';
export type { ChainDefaults } from '../codec/chain/payload-codec';
export { CHAIN_SEPARATOR, MAX_CHAIN_PARTS, chainSpellingProblem, payloadSerializerOf } from '../codec/chain/chain-name';
export { HEADER_LIMITS } from '../codec/header-limits';
export {
  DEFAULT_MAX_FRAME_BYTES,
  OVERSIZED_FRAME_SAMPLE_BYTES,
  assertFrameSize,
  frameLimitOption,
  oversizedFrameBytes,
  oversizedFrameError,
} from '../codec/frame-size';

// Dead letter stores: filters, paging, statistics, bounds and the stored form
export {
  compileDeadLetterFilter,
  resolvePaging,
  compareDeadLetters,
  pageOfDeadLetters,
  DEFAULT_DEAD_LETTER_PAGE_SIZE,
} from '../dead-letters/dead-letter-query';
export type {
  CompiledDeadLetterFilter,
  DeadLetterPaging,
  DeadLetterIndexFields,
} from '../dead-letters/dead-letter-query';
export { DeadLetterStatsCounter, summarizeDeadLetters } from '../dead-letters/dead-letter-stats';
export { fromStoredDeadLetter, parseStoredDeadLetter, isStoredDeadLetter } from '../dead-letters/stored-dead-letter';
export { deadLetterIdOf } from '../dead-letters/dead-letter-id';
export { deadLetterListener } from '../dead-letters/dead-letter-listener';
export {
  resolveDeadLetterBounds,
  deadLetterSize,
  evictedDeadLetter,
  reportEvictions,
} from '../dead-letters/dead-letter-bounds';
export type { DeadLetterBounds, EvictedDeadLetter } from '../dead-letters/dead-letter-bounds';

// Deduplication stores
export { deduplicationKey } from '../deduplication/deduplication-key';
/** Renews a shared store's in-progress marks while their handlers run. */
export { MarkRenewals } from '../deduplication/mark-renewals';
export type {
  DeduplicationRequest,
  DeduplicationMark,
  DeduplicationCheck,
} from '../deduplication/deduplication-store.interface';
