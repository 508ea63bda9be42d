/** The codes of `@smart-message/nestjs` itself. */
export type CoreErrorCode =
  | 'SM_VALIDATION_FAILED'
  | 'SM_NOT_A_MESSAGE'
  | 'SM_INVALID_MESSAGE_OPTIONS'
  | 'SM_INVALID_OPTION'
  | 'SM_MESSAGE_TYPE_CONFLICT'
  | 'SM_MESSAGE_DECLARATION'
  | 'SM_INVALID_FILTER'
  | 'SM_HANDLER_REGISTRATION'
  | 'SM_UNKNOWN_TRANSPORT'
  | 'SM_UNKNOWN_SERIALIZER'
  | 'SM_FRAME_DECODE'
  | 'SM_FRAME_TOO_LARGE'
  | 'SM_MISROUTED'
  | 'SM_NO_HANDLER'
  | 'SM_PAYLOAD_DECODE'
  | 'SM_PAYLOAD_ENCODE'
  | 'SM_SERIALIZER_CHAIN'
  | 'SM_SERIALIZER_NOT_ALLOWED'
  | 'SM_DECOMPRESSION_LIMIT'
  | 'SM_ENCRYPTION_KEY'
  | 'SM_KEY_NOT_FOUND'
  | 'SM_KEY_RETIRED'
  | 'SM_DECRYPTION_FAILED'
  | 'SM_VERSION_MISMATCH'
  | 'SM_FUTURE_VERSION'
  | 'SM_UPCAST_FAILED'
  | 'SM_DOWNCAST_FAILED'
  | 'SM_GUARD_REJECTED'
  | 'SM_UNAUTHORIZED'
  | 'SM_SIGNATURE_INVALID'
  | 'SM_SIGNATURE_MISSING'
  | 'SM_SIGNING_KEY_UNKNOWN'
  | 'SM_SIGNING_KEY_ENTITY_MISMATCH'
  | 'SM_SIGNING_KEY_RETIRED'
  | 'SM_SIGNING_KEY'
  | 'SM_IDENTITY_NOT_DECLARED'
  | 'SM_ENCRYPTION_REQUIRED'
  | 'SM_MESSAGE_STALE'
  | 'SM_MESSAGE_REPLAYED'
  | 'SM_NON_RETRYABLE'
  | 'SM_RETRIES_EXHAUSTED'
  | 'SM_CIRCUIT_OPEN'
  | 'SM_REQUEST_TIMEOUT'
  | 'SM_BUS_CLOSED'
  | 'SM_SHUTDOWN_ABANDONED'
  | 'SM_UNEXPECTED_REPLY'
  | 'SM_TRANSPORT_CLOSED'
  | 'SM_INVALID_DEAD_LETTER_QUERY'
  | 'SM_INVALID_DEAD_LETTER_BOUND'
  | 'SM_DEAD_LETTERS_NOT_CONNECTED';

/**
 * Every error the library and its transport and store packages throw carries a stable `code`, so
 * callers branch on codes, not texts. A package adds codes of its own, each starting with `SM_`.
 */
export type SmartMessageErrorCode = CoreErrorCode | (`SM_${string}` & {});

/** The base of every error the library throws: its class name as `name`, and a stable `code`. */
export abstract class SmartMessageError extends Error {
  abstract readonly code: SmartMessageErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
