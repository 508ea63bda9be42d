import * as root from '@smart-message/nestjs';
import * as kit from '@smart-message/nestjs/transport-kit';

// What each entry exports at runtime (types are checked by the type check of every package that
// imports them). A name added or removed here is a change of the public API: say it in CHANGELOG.md.
const ROOT = [
  'BROTLI_STAGE_NAME',
  'BrotliStage',
  'BusClosedError',
  'CircuitBreaker',
  'CircuitBreakerInterceptor',
  'CircuitBreakerRegistry',
  'CircuitOpenError',
  'DEDUPLICATION_STORE',
  'DEFAULT_COMPRESSION_MIN_BYTES',
  'DEFAULT_DEAD_LETTERS_FILE',
  'DEFAULT_DEAD_LETTER_MAX_BYTES',
  'DEFAULT_DEAD_LETTER_MAX_ENTRIES',
  'DEFAULT_DEDUPLICATION_SIZE',
  'DEFAULT_HANDLER_CONCURRENCY',
  'DEFAULT_MAX_INFLATED_BYTES',
  'DEFAULT_REQUEST_TIMEOUT_MS',
  'DEFAULT_SHUTDOWN_TIMEOUT_MS',
  'DEFLATE_STAGE_NAME',
  'DeadLetterQueue',
  'DeadLettersNotConnectedError',
  'DecompressionLimitError',
  'Deduplicate',
  'DeduplicationInterceptor',
  'DeflateStage',
  'Describe',
  'FrameDecodeError',
  'FrameTooLargeError',
  'HandlerRegistrationError',
  'InjectTransport',
  'InvalidDeadLetterBoundError',
  'InvalidDeadLetterQueryError',
  'InvalidFilterError',
  'InvalidMessageOptionsError',
  'InvalidOptionError',
  'JSON_SERIALIZER_NAME',
  'JsonSerializer',
  'JsonlDeadLetterStore',
  'MSGPACK_SERIALIZER_NAME',
  'MemoryDeadLetterStore',
  'MemoryDeduplicationStore',
  'MemoryTransport',
  'Message',
  'MessageBus',
  'MessageCatalog',
  'MessageContext',
  'MessageDeclarationError',
  'MessageRejectedError',
  'MessageStatistics',
  'MessageTypeConflictError',
  'MessageValidationError',
  'MisroutedMessageError',
  'MsgpackSerializer',
  'NestMessageLogger',
  'NoHandlerError',
  'NonRetryableError',
  'NotAMessageError',
  'PayloadDecodeError',
  'PayloadEncodeError',
  'RequestTimeoutError',
  'RetriesExhaustedError',
  'Retry',
  'RetryInterceptor',
  'SMART_MESSAGE_CONTEXT_TYPE',
  'SMART_MESSAGE_MODULE_OPTIONS',
  'SerializerChainError',
  'SerializerNotAllowedError',
  'ShutdownAbandonedError',
  'SmartMessageError',
  'SmartMessageModule',
  'Subscribe',
  'TransportClosedError',
  'UNKNOWN_MESSAGE_CLASS',
  'UNKNOWN_MESSAGE_TYPE',
  'UnexpectedReplyError',
  'UnknownSerializerError',
  'UnknownTransportError',
  'VersionMismatchError',
  'defaultDeadLettersFile',
  'getMessage',
  'getMessageContext',
  'getTransportToken',
  'isMessageContext',
  'processOnce',
  'toStoredDeadLetter',
];

const TRANSPORT_KIT = [
  'CHAIN_SEPARATOR',
  'CloudEventsFrameCodec',
  'CompressionStage',
  'DEFAULT_DEAD_LETTER_PAGE_SIZE',
  'DEFAULT_MAX_FRAME_BYTES',
  'DeadLetterStatsCounter',
  'DeliveryQueue',
  'FrameBatcher',
  'HEADER_LIMITS',
  'InFlightLimit',
  'MAX_CHAIN_PARTS',
  'OVERSIZED_FRAME_SAMPLE_BYTES',
  'PayloadCodec',
  'ReconnectGate',
  'SerializerRegistry',
  'StageRegistry',
  'assertFrameSize',
  'backoffDelay',
  'chainSpellingProblem',
  'compareDeadLetters',
  'compileDeadLetterFilter',
  'deadLetterIdOf',
  'deadLetterListener',
  'deadLetterSize',
  'deduplicationKey',
  'evictedDeadLetter',
  'frameLimitOption',
  'fromStoredDeadLetter',
  'isStoredDeadLetter',
  'oversizedFrameBytes',
  'oversizedFrameError',
  'pageOfDeadLetters',
  'parseStoredDeadLetter',
  'payloadSerializerOf',
  'reportEvictions',
  'resolveDeadLetterBounds',
  'resolvePaging',
  'summarizeDeadLetters',
];

describe('the public API of @smart-message/nestjs', () => {
  it('exports from its root entry what applications use, and nothing else', () => {
    expect(Object.keys(root).sort()).toEqual(ROOT);
  });

  it('exports from /transport-kit what transport and store authors need, and nothing else', () => {
    expect(Object.keys(kit).sort()).toEqual(TRANSPORT_KIT);
  });

  it('keeps each name in one entry, so an application never reaches for the kit by accident', () => {
    expect(TRANSPORT_KIT.filter((name) => ROOT.includes(name))).toEqual([]);
  });

  it('leaves the internals of dispatching out of both', () => {
    for (const internal of ['Dispatcher', 'ConcurrencyLimiter', 'SubscriptionFilter']) {
      expect(Object.keys(root)).not.toContain(internal);
      expect(Object.keys(kit)).not.toContain(internal);
    }
  });
});
