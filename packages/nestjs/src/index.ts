// Messages and handlers
export * from './decorators';
export { MessageContext } from './context/message-context';
export { MessageBus } from './bus/message-bus';
export type { MessageHandlerRegistration } from './bus/handler-registrar';
export type { RouteDescription } from './bus/routing-table';
export type { MessageBusOptions } from './bus/message-bus-options.interface';
export type { UnknownPropertiesPolicy } from './validation/unknown-properties-policy';
export type { ShutdownReport } from './bus/shutdown-report.interface';

// Nest module
export {
  SMART_MESSAGE_CONTEXT_TYPE,
  isSmartMessageContext,
  isMessageContext,
  getMessage,
  getMessageContext,
} from './module/message-execution-context';
export type { SmartMessageContextType } from './module/message-execution-context';
export type { MessageEnhancers } from './module/message-enhancers.interface';
export { SmartMessageModule } from './module/smart-message.module';
export { SMART_MESSAGE_MODULE_OPTIONS } from './module/smart-message.module-definition';
export { SMART_MESSAGE_OPTIONS_EXTENSION } from './module/options-extension';
export type { SmartMessageOptionsExtension } from './module/options-extension';
export { NestMessageLogger } from './module/nest-message-logger';
export type { NestMessageLoggerOptions } from './module/nest-message-logger';
export type { SmartMessageModuleOptions, SmartMessageModuleExtras } from './module/module-options.interface';

// Catalog and statistics
export { MessageCatalog } from './catalog/message-catalog';
export type { MessageTypeDescription, MessagePropertyDescription, PropertyRule } from './catalog/message-catalog';
export type { MessageTypeMetadata } from './catalog/message-type-metadata.interface';
export type { CatalogBusView } from './catalog/message-catalog';
export type { PublishDeclaration } from './catalog/publish-declaration.interface';
export type { AsyncApiOptions } from './catalog/asyncapi/asyncapi-options.interface';
export type {
  AsyncApiDocument,
  AsyncApiInfo,
  AsyncApiContact,
  AsyncApiLicense,
  AsyncApiServer,
  AsyncApiChannel,
  AsyncApiMessage,
  AsyncApiOperation,
  AsyncApiOperationReply,
  AsyncApiCorrelationId,
  AsyncApiComponents,
  AsyncApiReference,
} from './catalog/asyncapi/asyncapi-document.interface';
export type {
  AsyncApiSources,
  AsyncApiTransport,
  AsyncApiHandler,
  AsyncApiPublisher,
} from './catalog/asyncapi/asyncapi-sources.interface';
export type { JsonSchema, JsonSchemaType } from './catalog/asyncapi/json-schema.interface';
export { MessageStatistics, UNKNOWN_MESSAGE_TYPE } from './statistics/message-statistics';
export type {
  StatisticsSnapshot,
  HandlerCounters,
  MessageTypeCounters,
  DurationSummary,
  TransportCounters,
  RegisteredMessageTypes,
} from './statistics/message-statistics';

// Serializers, transports and the contract users see (authors: `@smart-message/nestjs/transport-kit`)
export { JsonSerializer, JSON_SERIALIZER_NAME } from './codec/json.serializer';
export { MsgpackSerializer, MSGPACK_SERIALIZER_NAME } from './codec/msgpack/msgpack.serializer';
export { DeflateStage, DEFLATE_STAGE_NAME } from './codec/compression/deflate.stage';
export { BrotliStage, BROTLI_STAGE_NAME } from './codec/compression/brotli.stage';
export {
  DEFAULT_COMPRESSION_MIN_BYTES,
  DEFAULT_MAX_INFLATED_BYTES,
} from './codec/compression/compression-options.interface';
export type { CompressionStageOptions } from './codec/compression/compression-options.interface';
export { Aes256GcmStage, aes256gcm, AES256GCM_STAGE_NAME } from './codec/encryption/aes256gcm.stage';
export type { Aes256GcmOptions } from './codec/encryption/encryption-options.interface';
export { Keyring, ENCRYPTION_KEY_BYTES } from './codec/encryption/keyring';
export type { UsableKey } from './codec/encryption/keyring';
export type { KeyEntry } from './codec/encryption/key-entry.interface';
export type { KeyProvider } from './codec/encryption/key-provider.interface';
export type { KeyStatus } from './codec/encryption/key-status';
export { envKeyProvider, DEFAULT_KEYS_VARIABLE } from './codec/encryption/env-key-provider';
export type { EnvKeyProviderOptions } from './codec/encryption/env-key-provider';
export { fileKeyProvider } from './codec/encryption/file-key-provider';
export { X25519RecipientStage, x25519Recipient, X25519_STAGE_NAME } from './codec/encryption/recipient/x25519.stage';
export type {
  RecipientKeySet,
  RecipientPrivateKeyEntry,
  RecipientPublicKeyEntry,
} from './codec/encryption/recipient/recipient-key-entry.interface';
export type { RecipientKeyProvider } from './codec/encryption/recipient/recipient-key-provider.interface';
export type { X25519RecipientOptions } from './codec/encryption/recipient/x25519-options.interface';
export { RecipientKeys } from './codec/encryption/recipient/recipient-keys';
export type { RecipientPrivateKey, RecipientPublicKey } from './codec/encryption/recipient/recipient-keys';
export { X25519_KEY_BYTES } from './codec/encryption/recipient/x25519-key-material';
export { fileRecipientKeyProvider } from './codec/encryption/recipient/file-recipient-key-provider';
export { generateRecipientKey } from './codec/encryption/recipient/generate-recipient-key';
export type {
  RecipientKeysJson,
  RecipientPrivateKeyJson,
  RecipientPublicKeyJson,
} from './codec/encryption/recipient/recipient-keys-json';
export { MemoryTransport } from './transports/memory.transport';
export type { MemoryTransportOptions } from './transports/memory.transport';
export type { InFlightDelivery } from './dispatcher/in-flight-deliveries';
export { DEFAULT_HANDLER_CONCURRENCY, DEFAULT_SHUTDOWN_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './constants';
export type * from './routing/address-filter.interface';
export type * from './interfaces/envelope.interface';
export type * from './codec/frame-codec.interface';
export type * from './interfaces/message-header.interface';
export type * from './interfaces/message-logger.interface';
export type * from './interfaces/message-options.interface';
export type * from './interfaces/message-observer.interface';
export type * from './interfaces/message-type.interface';
export type * from './interfaces/message-instance.interface';
export type * from './interfaces/publish-options.interface';
export type * from './codec/serializer.interface';
export type * from './interfaces/subscribe-options.interface';
export type { Transport, TransportHealth } from './transports/transport.interface';
export type { QueueBacklog } from './transports/transport-backlog.interface';
export type {
  TransportPublishOptions,
  TransportPublishCapability,
  TransportCapabilities,
} from './transports/transport-publish-options.interface';

// Transports from a URL-style configuration
export * from './config';

// Transactional outbox: publishing inside the caller's database transaction
export * from './outbox';
export type * from './interfaces/undeliverable.interface';

// Reliability
export { Retry } from './reliability/retry/retry.decorator';
export { RetryInterceptor } from './reliability/retry/retry.interceptor';
export type { RetryOptions, RetryCondition } from './reliability/retry/retry-options.interface';
export { CircuitBreaker } from './reliability/circuit-breaker/circuit-breaker.decorator';
export { CircuitBreakerInterceptor } from './reliability/circuit-breaker/circuit-breaker.interceptor';
export { CircuitBreakerRegistry } from './reliability/circuit-breaker/circuit-breaker-registry';
export type { CircuitStatistics, CircuitStateName } from './reliability/circuit-breaker/circuit-breaker-registry';
export type {
  CircuitBreakerOptions,
  PublishCircuitBreakerOptions,
  PublishFallback,
} from './reliability/circuit-breaker/circuit-breaker-options.interface';
export type { BreakerStateStore } from './reliability/circuit-breaker/breaker-state-store.interface';

// Authorization
export * from './authorization';

// Security: signing, trust, replay protection and audit
export * from './security';

// Schema evolution: upcasters and downcasters between versions
export * from './versioning';

// Deduplication
export * from './deduplication';

// Dead letter queue
export * from './dead-letters';

// Errors
export * from './errors';
