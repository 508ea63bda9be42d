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

// Delivery: concurrency, order and back-pressure for a subscription
export { DeliveryQueue } from '../transports/delivery-queue';
export type { DeliveryQueueOptions } from '../transports/delivery-queue';

// Frames: the CloudEvents codec, serializers by name, header and size limits
export { CloudEventsFrameCodec } from '../codec/cloud-events-frame.codec';
export type { CloudEventFrame, ContentTypeResolver } from '../codec/cloud-events-frame.codec';
export { SerializerRegistry } from '../codec/serializer-registry';
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
export type {
  DeduplicationRequest,
  DeduplicationMark,
  DeduplicationCheck,
} from '../deduplication/deduplication-store.interface';
