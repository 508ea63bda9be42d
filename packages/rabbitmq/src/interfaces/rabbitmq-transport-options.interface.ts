import type { RabbitMqConnectionOptions } from './rabbitmq-connection-options.interface';

/** Options of `RabbitMqTransport`; every one has a default. */
export interface RabbitMqTransportOptions extends RabbitMqConnectionOptions {
  /**
   * Deliveries of one message before it is poison (default 5): the queue's `x-delivery-limit`
   * is one less, so RabbitMQ dead-letters it when the last delivery failed. Every instance of a
   * service must use the same value (it is a queue argument).
   */
  maxDeliveries?: number;
  /**
   * `x-single-active-consumer` on the queues of subscriptions with concurrency 1, so only one
   * instance of a service consumes them at a time and order holds across instances
   * (default true). A queue argument: every instance must agree.
   */
  singleActiveConsumerForConcurrencyOne?: boolean;
}
