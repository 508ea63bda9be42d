/**
 * `@smart-message/rabbitmq`: SmartMessage transports on RabbitMQ: durable on quorum queues
 * (`RabbitMqTransport`), and at-most-once broadcast on per-instance exclusive queues
 * (`RabbitMqBroadcastTransport`).
 *
 * @packageDocumentation
 */
export { RabbitMqTransport } from './rabbitmq.transport';
export { RabbitMqBroadcastTransport } from './rabbitmq-broadcast.transport';
export type { RabbitMqStatus } from './rabbitmq-transport-base';
export type { RabbitMqConnectionOptions } from './interfaces/rabbitmq-connection-options.interface';
export type { RabbitMqTransportOptions } from './interfaces/rabbitmq-transport-options.interface';
export type { RabbitMqBroadcastTransportOptions } from './interfaces/rabbitmq-broadcast-transport-options.interface';
export type { QueueConsumerStatus } from './consume/queue-consumer';
export type { QueueDepth } from './health/queue-depths';
export type { RabbitMqQueueBacklog } from './health/queue-backlog';
export { Topology } from './topology/topology';
export * from './errors';
