export { RedisPubSubTransport } from './pubsub/redis-pubsub.transport';
export type { RedisPubSubStatus } from './pubsub/redis-pubsub.transport';
export type { RedisConnectionOptions } from './interfaces/redis-connection-options.interface';
export type { RedisPubSubTransportOptions } from './interfaces/redis-pubsub-transport-options.interface';
export * from './errors';
export { RedisStreamsTransport } from './streams/redis-streams.transport';
export type { RedisStreamsStatus } from './streams/redis-streams.transport';
export type { RedisStreamsTransportOptions } from './interfaces/redis-streams-transport-options.interface';
export { RubySmartMessageCodec, RUBY_JSON_SERIALIZER } from './codec/ruby-smart-message.codec';
