import { type Channel, type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { DEFAULT_HANDLER_CONCURRENCY } from '@smart-message/nestjs';
import { BenchOrderPlaced, ReceivedOrder } from '../redis/bench-order.message';
import { Contender, ContenderSettings, ReceiveListener } from '../redis/contender';

/** The routing key: our transport routes by message class, and this is the benchmark order's. */
const ROUTING_KEY = 'BenchOrderPlaced';

/**
 * The names `RabbitMqTransport` declares for the benchmark's subscription (entity `bench`), which
 * the raw loop declares too: one cleanup fits both rows.
 */
export function rabbitMqNamesOf(prefix: string) {
  const queue = `${prefix}.bench.${ROUTING_KEY}`;
  return {
    exchange: prefix,
    deadLetterExchange: `${prefix}.dead-letters`,
    queue,
    deadLetterQueue: `${queue}.dead-letters`,
  };
}

/** The URL of the run's RabbitMQ, or throws: only the RabbitMQ rows get here. */
export function rabbitMqUrlOf(settings: ContenderSettings): string {
  if (!settings.rabbitmqUrl) throw new Error('a RabbitMQ contender needs --rabbitmq-url');
  return settings.rabbitmqUrl;
}

/** `durable`: what `RabbitMqTransport` declares; `broadcast`: what `RabbitMqBroadcastTransport` declares. */
export type RawAmqplibMode = 'durable' | 'broadcast';

/**
 * amqplib by hand, doing what the transport asks of the broker: a publisher connection with a
 * confirm channel (each publish settled by its confirm) to a durable topic exchange; a consumer
 * connection with one channel, prefetch 100 (the bus's default handler concurrency, which is the
 * transport's prefetch), JSON.parse, then one ack per message. `durable`: persistent messages to
 * a quorum queue with the transport's arguments and dead letter queue. `broadcast`: transient
 * messages to a server-named exclusive classic queue bounded as the broadcast transport bounds
 * it. The same topology and queue arguments as our transports, so the broker does the same work
 * for both rows and only the client side differs.
 */
export class RawAmqplibContender implements Contender {
  private readonly url: string;
  private readonly names: ReturnType<typeof rabbitMqNamesOf>;
  private publisher?: ChannelModel;
  private consumer?: ChannelModel;
  private confirms?: ConfirmChannel;

  constructor(
    settings: ContenderSettings,
    private readonly mode: RawAmqplibMode = 'durable',
  ) {
    this.url = rabbitMqUrlOf(settings);
    this.names = rabbitMqNamesOf(settings.prefix);
  }

  async start(onReceived: ReceiveListener): Promise<void> {
    this.publisher = await connect(this.url);
    this.consumer = await connect(this.url);
    for (const connection of [this.publisher, this.consumer])
      connection.on('error', (error: Error) => process.stderr.write(`WARN raw amqplib: ${error.message}\n`));
    this.confirms = await this.publisher.createConfirmChannel();
    const channel = await this.consumer.createChannel();
    const queue = await this.declare(channel);
    await channel.prefetch(DEFAULT_HANDLER_CONCURRENCY, false);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const order = JSON.parse(message.content.toString()) as ReceivedOrder;
        onReceived(order.seq, order.sentAt);
        channel.ack(message);
      },
      { noAck: false },
    );
  }

  publish(order: BenchOrderPlaced): Promise<unknown> {
    const confirms = this.confirms!;
    return new Promise<void>((resolve, reject) => {
      confirms.publish(
        this.names.exchange,
        ROUTING_KEY,
        Buffer.from(JSON.stringify(order)),
        { persistent: this.mode === 'durable', contentType: 'application/json' },
        (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
  }

  async stop(): Promise<void> {
    await this.confirms?.waitForConfirms().catch(() => undefined);
    await this.consumer?.close().catch(() => undefined);
    await this.publisher?.close().catch(() => undefined);
  }

  /** Declares the row's topology; resolves with the queue to consume. */
  private async declare(channel: Channel): Promise<string> {
    const { exchange, deadLetterExchange, queue, deadLetterQueue } = this.names;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
    if (this.mode === 'broadcast') {
      // The broadcast transport's defaults: 10,000 messages or 64 MiB, the oldest dropped past them.
      const { queue: own } = await channel.assertQueue('', {
        exclusive: true,
        autoDelete: true,
        durable: false,
        arguments: {
          'x-queue-type': 'classic',
          'x-max-length': 10_000,
          'x-max-length-bytes': 64 * 1024 * 1024,
          'x-overflow': 'drop-head',
        },
      });
      await channel.bindQueue(own, exchange, ROUTING_KEY);
      return own;
    }
    await channel.assertQueue(deadLetterQueue, { durable: true });
    await channel.bindQueue(deadLetterQueue, deadLetterExchange, queue);
    await channel.assertQueue(queue, {
      durable: true,
      // The transport's arguments with its default maxDeliveries (5).
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 4,
        'x-dead-letter-exchange': deadLetterExchange,
        'x-dead-letter-routing-key': queue,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
    await channel.bindQueue(queue, exchange, ROUTING_KEY);
    return queue;
  }
}
