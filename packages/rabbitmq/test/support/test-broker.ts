import { randomBytes } from 'node:crypto';
import { type Channel, connect } from 'amqplib';
import {
  RabbitMqBroadcastTransport,
  RabbitMqBroadcastTransportOptions,
  RabbitMqTransport,
  RabbitMqTransportOptions,
} from '@smart-message/rabbitmq';

import { TEST_RABBITMQ_URL } from './test-url';

export { TEST_RABBITMQ_URL };

export const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A prefix (exchange name) of one test file, so its names never meet another run's. */
export function randomPrefix(): string {
  return `smtest-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates transports and remembers every queue they subscribed, so `cleanup()` deletes the
 * queues, their dead letter queues and the file's exchanges from the shared node.
 */
export class TestTopology {
  readonly prefix = randomPrefix();
  private readonly queues = new Set<string>();

  transport(options: RabbitMqTransportOptions = {}): RabbitMqTransport {
    const transport = new RabbitMqTransport({
      url: TEST_RABBITMQ_URL,
      prefix: this.prefix,
      logger: silentLogger,
      reconnect: { baseMs: 20, maxMs: 200 },
      ...options,
    });
    const subscribe = transport.subscribe.bind(transport);
    transport.subscribe = async (messageClass, handler, subscribeOptions) => {
      this.queues.add(transport.queueOf(subscribeOptions.group, messageClass));
      return subscribe(messageClass, handler, subscribeOptions);
    };
    return transport;
  }

  /** A queue declared outside these transports (e.g. by a consumer process) that cleanup deletes too. */
  track(queue: string): void {
    this.queues.add(queue);
  }

  /** A broadcast transport on this file's exchange; its exclusive queues go with its connection. */
  broadcast(options: RabbitMqBroadcastTransportOptions = {}): RabbitMqBroadcastTransport {
    return new RabbitMqBroadcastTransport({
      url: TEST_RABBITMQ_URL,
      prefix: this.prefix,
      logger: silentLogger,
      reconnect: { baseMs: 20, maxMs: 200 },
      ...options,
    });
  }

  async cleanup(): Promise<void> {
    const connection = await connect(TEST_RABBITMQ_URL);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      for (const queue of this.queues) {
        await channel.deleteQueue(queue);
        await channel.deleteQueue(`${queue}.dead-letters`);
      }
      await channel.deleteExchange(this.prefix);
      await channel.deleteExchange(`${this.prefix}.dead-letters`);
      await channel.close();
    } finally {
      await connection.close();
    }
  }
}

/** Runs `work` with a channel (a confirm channel with `confirm`) of a connection of its own to the shared node. */
export async function withChannel<T>(work: (channel: Channel) => Promise<T>, confirm = false): Promise<T> {
  const connection = await connect(TEST_RABBITMQ_URL);
  connection.on('error', () => undefined);
  try {
    const channel = confirm ? await connection.createConfirmChannel() : await connection.createChannel();
    channel.on('error', () => undefined);
    return await work(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
