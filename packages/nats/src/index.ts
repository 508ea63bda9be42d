/**
 * `@smart-message/nats`: SmartMessage transports on NATS — durable delivery on JetStream
 * (`NatsJetStreamTransport`) and at-most-once broadcast on core NATS (`NatsTransport`).
 *
 * @packageDocumentation
 */
export { NatsJetStreamTransport, DEAD_LETTER_HEADERS } from './nats-jetstream.transport';
export type { NatsJetStreamStatus } from './nats-jetstream.transport';
export { NatsTransport } from './nats.transport';
export type { NatsCoreStatus } from './nats.transport';
export type { NatsConnectionStatus } from './connection/managed-nats-connection';
export type {
  NatsCommonOptions,
  NatsJetStreamTransportOptions,
  NatsTransportOptions,
} from './interfaces/nats-transport-options.interface';
export type { JetStreamConsumerStatus } from './consume/jetstream-consumer';
export type { CoreSubscriptionStatus } from './core/core-subscription';
export { NatsTopology } from './topology/nats-topology';
export * from './errors';
