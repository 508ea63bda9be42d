export { RedisPubSubTransport } from './pubsub/redis-pubsub.transport';
export type { RedisPubSubStatus } from './pubsub/redis-pubsub.transport';
export type {
  RedisConnectionOptions,
  RedisStoreConnectionOptions,
} from './interfaces/redis-connection-options.interface';
export type {
  RedisClusterConnectionOptions,
  RedisClusterNode,
} from './interfaces/redis-cluster-connection-options.interface';
export type { SeedProbe } from './cluster/probe-seeds';
export type {
  RedisPubSubTransportOptions,
  PubSubBatchOptions,
} from './interfaces/redis-pubsub-transport-options.interface';
export * from './errors';
export { RedisStreamsTransport } from './streams/redis-streams.transport';
export type { RedisStreamsStatus } from './streams/redis-streams.transport';
export type { RedisStreamsTransportOptions } from './interfaces/redis-streams-transport-options.interface';
export { RubySmartMessageCodec, RUBY_JSON_SERIALIZER } from './codec/ruby-smart-message.codec';
export { RedisBreakerStateStore } from './reliability/redis-breaker-state.store';
export type { RedisBreakerStateStoreOptions } from './reliability/redis-breaker-state.store';
export { RedisDeadLetterStore } from './dead-letters/redis-dead-letter.store';
export type { RedisDeadLetterStoreOptions } from './dead-letters/redis-dead-letter-store-options.interface';
export {
  RedisDeduplicationStore,
  DEFAULT_DEDUPLICATION_PREFIX,
  DEFAULT_DEDUPLICATION_TTL_SECONDS,
  DEFAULT_DEDUPLICATION_LEASE_MS,
} from './deduplication/redis-deduplication.store';
export type { RedisDeduplicationStoreOptions } from './interfaces/redis-deduplication-store-options.interface';
