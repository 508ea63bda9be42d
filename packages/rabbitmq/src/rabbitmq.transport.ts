import type { Options } from 'amqplib';
import { EnvelopeHandler, TransportSubscribeOptions, TransportSubscription } from '@smart-message/nestjs/transport-kit';
import { RabbitMqTransportOptions } from './interfaces/rabbitmq-transport-options.interface';
import { positiveInteger, RabbitMqTransportBase } from './rabbitmq-transport-base';
import { Topology } from './topology/topology';

/**
 * Durable transport on RabbitMQ: one topic exchange, and one quorum queue per subscribing
 * service (the module's `entity`) and message class, bound with the class as routing key, so
 * every service gets each message and the instances of one service compete for it.
 * At-least-once: a delivery is acknowledged after the handlers; a failure rejects it with
 * requeue and the broker counts the delivery (`x-delivery-count`); past `maxDeliveries` the
 * broker dead-letters it and the bus records it as `poison`. Publishes resolve on the broker's
 * confirm. Connections, channels and consumers are recovered by the transport itself.
 */
export class RabbitMqTransport extends RabbitMqTransportBase {
  readonly kind = 'rabbitmq';

  constructor(options: RabbitMqTransportOptions = {}) {
    super(
      options,
      'RabbitMqTransport',
      (prefix) =>
        new Topology(
          prefix,
          positiveInteger('RabbitMqTransport', options.maxDeliveries ?? 5, 'maxDeliveries'),
          options.singleActiveConsumerForConcurrencyOne ?? true,
        ),
    );
  }

  /** The quorum queue of a subscribing service (`group`) for a message class. */
  queueOf(group: string, messageClass: string): string {
    return this.topology.queueOf(group, messageClass);
  }

  /** Where RabbitMQ keeps the messages it dead-lettered from `queueOf(group, messageClass)`. */
  deadLetterQueueOf(group: string, messageClass: string): string {
    return this.topology.deadLetterQueueOf(this.queueOf(group, messageClass));
  }

  async subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    const queue = this.queueOf(options.group, messageClass);
    if (options.group === 'default')
      this.logger.warn(
        `subscribing to ${messageClass} in group 'default': services without an entity share queue ${queue} and split its messages`,
      );
    const deadLetterQueue = this.topology.deadLetterQueueOf(queue);
    const routingKey = this.topology.routingKeyOf(messageClass);
    // Deliveries given up on at shutdown stay unacknowledged with the broker, which requeues them.
    return this.consume(
      {
        messageClass,
        queue,
        routingKey,
        redelivers: true,
        declare: async (channel) => {
          await this.declareExchanges(channel);
          await channel.assertQueue(deadLetterQueue, { durable: true });
          await channel.bindQueue(deadLetterQueue, this.topology.deadLetterExchange, queue);
          await channel.assertQueue(queue, {
            durable: true,
            arguments: this.topology.queueArguments(queue, options.concurrency),
          });
          await channel.bindQueue(queue, this.topology.exchange, routingKey);
          return queue;
        },
      },
      handler,
      options,
      this.topology.maxDeliveries,
    );
  }

  protected publishProperties(): Options.Publish {
    return { persistent: true };
  }
}
