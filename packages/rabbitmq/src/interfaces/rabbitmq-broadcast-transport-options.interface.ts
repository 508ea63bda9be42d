import type { RabbitMqConnectionOptions } from './rabbitmq-connection-options.interface';

/** Options of `RabbitMqBroadcastTransport`; every one has a default. */
export interface RabbitMqBroadcastTransportOptions extends RabbitMqConnectionOptions {
  /**
   * Most messages a subscription's queue holds for a slow handler (`x-max-length`, default
   * 10000). Past it the broker drops the oldest (`x-overflow: drop-head`): a slow instance loses
   * messages, it never slows the publishers or the other instances.
   */
  maxQueuedMessages?: number;
  /** Most bytes of message bodies a subscription's queue holds (`x-max-length-bytes`, default 64 MiB); the oldest go first. */
  maxQueuedBytes?: number;
}
