import type { Options } from 'amqplib';
import { EnvelopeHandler, TransportSubscribeOptions, TransportSubscription } from '@smart-message/nestjs/transport-kit';
import type { QueueDepth } from './health/queue-depths';
import { RabbitMqBroadcastTransportOptions } from './interfaces/rabbitmq-broadcast-transport-options.interface';
import { RabbitMqTransportBase } from './rabbitmq-transport-base';
import { Topology } from './topology/topology';

/** How status names a subscription's queue before the broker named it. */
const UNNAMED = '(server-named)';

/**
 * At-most-once broadcast on RabbitMQ, like Redis pub/sub: every instance gets every message of
 * the classes it subscribes to (for broadcasts and replies). Each subscription consumes a
 * server-named, classic, exclusive, auto-delete queue of its own, bound to the same topic
 * exchange as `RabbitMqTransport`, so it lives exactly as long as this instance's consumer
 * connection. Bounded: `prefetch = concurrency` in the process, `maxQueuedMessages` /
 * `maxQueuedBytes` on the broker, past which the oldest is dropped. A delivery comes once:
 * acknowledged after the handler whatever the outcome; a failure is final (the bus dead-letters
 * it). After a connection drop each queue is declared anew: what was published meanwhile, and
 * what the old queue held, is lost. Publishes still resolve on the broker's confirm.
 */
export class RabbitMqBroadcastTransport extends RabbitMqTransportBase {
  readonly kind = 'rabbitmq-broadcast';
  private readonly maxQueuedMessages: number;
  private readonly maxQueuedBytes: number;

  constructor(options: RabbitMqBroadcastTransportOptions = {}) {
    super(options, 'RabbitMqBroadcastTransport', (prefix) => new Topology(prefix));
    this.maxQueuedMessages = this.positiveInteger(options.maxQueuedMessages ?? 10_000, 'maxQueuedMessages');
    this.maxQueuedBytes = this.positiveInteger(options.maxQueuedBytes ?? 64 * 1024 * 1024, 'maxQueuedBytes');
  }

  /** `group` only labels the subscription: every instance gets its own queue, whatever its service. */
  subscribe(
    messageClass: string,
    handler: EnvelopeHandler,
    options: TransportSubscribeOptions,
  ): Promise<TransportSubscription> {
    const routingKey = this.topology.routingKeyOf(messageClass);
    const queueArguments = this.topology.broadcastQueueArguments(this.maxQueuedMessages, this.maxQueuedBytes);
    return this.consume(
      {
        messageClass,
        queue: UNNAMED,
        routingKey,
        redelivers: false,
        declare: async (channel) => {
          await this.declareExchanges(channel);
          // A new name on every declare: a queue of an earlier connection is gone with it.
          const { queue } = await channel.assertQueue('', {
            exclusive: true,
            autoDelete: true,
            durable: false,
            arguments: queueArguments,
          });
          await channel.bindQueue(queue, this.topology.exchange, routingKey);
          return queue;
        },
      },
      handler,
      options,
      1,
    );
  }

  protected publishProperties(): Options.Publish {
    // Exclusive queues do not outlive their connection, so writing messages to disk buys nothing.
    return { persistent: false };
  }

  /** A queue at its length limit is dropping its oldest messages: its handlers are too slow. */
  protected override depthWarnings(queues: readonly QueueDepth[]): string[] {
    return queues
      .filter(({ messageCount }) => messageCount >= this.maxQueuedMessages)
      .map(
        ({ queue }) =>
          `queue ${queue} holds maxQueuedMessages (${this.maxQueuedMessages}): RabbitMQ drops its oldest messages`,
      );
  }
}
