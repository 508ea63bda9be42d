import { MemoryTransport } from '../transports/memory.transport';
import type { Transport } from '../transports/transport.interface';

/** How a configuration value of an option is read from a URL's query. */
export type ConfigOptionType = 'string' | 'number' | 'boolean';

/** One URL scheme `fromConfig` knows: which package and class it builds, and what the query may set. */
export interface TransportScheme {
  readonly scheme: string;
  readonly packageName: string;
  /** The exported class of the package. */
  readonly exportName: string;
  readonly install: string;
  /** The class itself, for a transport of this package: no loading, and the caller's own copy of it. */
  readonly local?: new (options: Record<string, unknown>) => Transport;
  /** The constructor option the URL itself goes to (without its query); absent for schemes with no address. */
  readonly urlOption?: string;
  /**
   * A cluster scheme: the URL's authority is a comma-separated list of seed nodes
   * (`[user:password@]host:port,host:port`), given as `{ cluster: { nodes } }` (credentials as
   * `redisOptions`) instead of a URL option.
   */
  readonly seedNodes?: boolean;
  /** Options fixed by the scheme. */
  readonly fixed?: Readonly<Record<string, unknown>>;
  /** Options the query string may set, with their types; anything else is refused. */
  readonly options: Readonly<Record<string, ConfigOptionType>>;
}

const REDIS_COMMON = {
  prefix: 'string',
  connectTimeoutMs: 'number',
  publishTimeoutMs: 'number',
  maxBufferedPublishes: 'number',
  maxFrameBytes: 'number',
} as const;

const REDIS_STREAMS_OPTIONS = {
  ...REDIS_COMMON,
  consumerName: 'string',
  maxLen: 'number',
  batchSize: 'number',
  blockMs: 'number',
  claimIdleMs: 'number',
  claimIntervalMs: 'number',
  maxDeliveries: 'number',
} as const;

/** What the RabbitMQ and NATS transports both take from a URL's query. */
const BROKER_COMMON = {
  prefix: 'string',
  connectTimeoutMs: 'number',
  publishTimeoutMs: 'number',
  maxBufferedPublishes: 'number',
  maxFrameBytes: 'number',
  connectionName: 'string',
} as const;

/**
 * The schemes, each loaded only when a configuration uses it. `redis://` is pub/sub, as the
 * original SmartMessage's Redis transport is (and Ruby services on the same channels interoperate);
 * `redis+streams://` is the durable Streams transport. `redis+cluster://` and
 * `redis+streams+cluster://` are the same on a Redis Cluster: a scheme of their own rather than
 * `?cluster=true`, because their authority is a list of seed nodes, which is no URL host.
 * Likewise `amqp://` is the durable RabbitMQ transport and `amqp+broadcast://` its at-most-once
 * broadcast twin.
 */
export const TRANSPORT_SCHEMES: readonly TransportScheme[] = [
  {
    scheme: 'memory:',
    packageName: '@smart-message/nestjs',
    exportName: 'MemoryTransport',
    local: MemoryTransport,
    install: 'nothing to install: it is part of @smart-message/nestjs',
    options: { retain: 'number', maxQueuedDeliveries: 'number' },
  },
  ...['redis:', 'rediss:'].map((scheme): TransportScheme => ({
    scheme,
    packageName: '@smart-message/redis',
    exportName: 'RedisPubSubTransport',
    install: 'pnpm add @smart-message/redis ioredis',
    urlOption: 'url',
    options: { ...REDIS_COMMON, maxInFlightPublishes: 'number', maxQueuedDeliveries: 'number' },
  })),
  ...['redis+streams:', 'rediss+streams:'].map((scheme): TransportScheme => ({
    scheme,
    packageName: '@smart-message/redis',
    exportName: 'RedisStreamsTransport',
    install: 'pnpm add @smart-message/redis ioredis',
    urlOption: 'url',
    options: REDIS_STREAMS_OPTIONS,
  })),
  {
    scheme: 'redis+cluster:',
    packageName: '@smart-message/redis',
    exportName: 'RedisPubSubTransport',
    install: 'pnpm add @smart-message/redis ioredis',
    seedNodes: true,
    options: { ...REDIS_COMMON, maxInFlightPublishes: 'number', maxQueuedDeliveries: 'number', sharded: 'boolean' },
  },
  {
    scheme: 'redis+streams+cluster:',
    packageName: '@smart-message/redis',
    exportName: 'RedisStreamsTransport',
    install: 'pnpm add @smart-message/redis ioredis',
    seedNodes: true,
    options: REDIS_STREAMS_OPTIONS,
  },
  ...['postgres:', 'postgresql:'].map((scheme): TransportScheme => ({
    scheme,
    packageName: '@smart-message/postgres',
    exportName: 'PostgresTransport',
    install: 'pnpm add @smart-message/postgres pg',
    urlOption: 'connectionString',
    options: {
      schema: 'string',
      group: 'string',
      prefetch: 'number',
      leaseMs: 'number',
      pollIntervalMs: 'number',
      maxDeliveries: 'number',
      notify: 'boolean',
      migrate: 'boolean',
      publishTimeoutMs: 'number',
      connectTimeoutMs: 'number',
      maxFrameBytes: 'number',
    },
  })),
  ...['amqp:', 'amqps:'].map((scheme): TransportScheme => ({
    scheme,
    packageName: '@smart-message/rabbitmq',
    exportName: 'RabbitMqTransport',
    install: 'pnpm add @smart-message/rabbitmq amqplib',
    urlOption: 'url',
    options: { ...BROKER_COMMON, maxDeliveries: 'number' },
  })),
  // A scheme of its own, as redis+streams: is: another class with other guarantees, not a tweak of amqp:.
  ...['amqp+broadcast:', 'amqps+broadcast:'].map((scheme): TransportScheme => ({
    scheme,
    packageName: '@smart-message/rabbitmq',
    exportName: 'RabbitMqBroadcastTransport',
    install: 'pnpm add @smart-message/rabbitmq amqplib',
    urlOption: 'url',
    options: { ...BROKER_COMMON, maxQueuedMessages: 'number', maxQueuedBytes: 'number' },
  })),
  {
    scheme: 'nats:',
    packageName: '@smart-message/nats',
    exportName: 'NatsJetStreamTransport',
    install: 'pnpm add @smart-message/nats @nats-io/transport-node @nats-io/jetstream',
    urlOption: 'url',
    options: {
      ...BROKER_COMMON,
      maxDeliveries: 'number',
      ackWaitMs: 'number',
      maxAckPending: 'number',
      startFrom: 'string',
      onConsumerDrift: 'string',
      pullExpiresMs: 'number',
    },
  },
  {
    // Core NATS: at-most-once broadcast (every instance gets every message), like `redis://`.
    scheme: 'nats+core:',
    packageName: '@smart-message/nats',
    exportName: 'NatsTransport',
    install: 'pnpm add @smart-message/nats @nats-io/transport-node @nats-io/jetstream',
    urlOption: 'url',
    options: { ...BROKER_COMMON, maxQueuedDeliveries: 'number' },
  },
];
