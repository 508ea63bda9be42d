/**
 * `@smart-message/rabbitmq`: a durable SmartMessage transport on RabbitMQ quorum queues.
 *
 * @packageDocumentation
 */
export { RabbitMqTransport } from './rabbitmq.transport';
export type { RabbitMqStatus } from './rabbitmq.transport';
export type { RabbitMqTransportOptions } from './interfaces/rabbitmq-transport-options.interface';
export type { QueueConsumerStatus } from './consume/queue-consumer';
export type { QueueDepth } from './health/queue-depths';
export { Topology } from './topology/topology';
export * from './errors';
