import { connect } from 'amqplib';
import { RabbitMqBroadcastTransport, RabbitMqTransport } from '@smart-message/rabbitmq';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { SmartMessageContender } from '../redis/contenders/smart-message.contender';
import { ContenderDefinition, ContenderSettings } from '../redis/contender';
import type { BrokerRows } from './brokers.benchmark';
import { RawAmqplibContender, rabbitMqNamesOf, rabbitMqUrlOf } from './raw-amqplib.contender';

const ours =
  (validate: boolean): ContenderDefinition['create'] =>
  (settings: ContenderSettings) =>
    new SmartMessageContender(
      new RabbitMqTransport({ url: rabbitMqUrlOf(settings), prefix: settings.prefix, logger: quietLogger }),
      validate,
    );

/** Host and port only: the URL may hold a password. */
function endpoint(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 5672}`;
}

/** RabbitMQ: `RabbitMqTransport` and `RabbitMqBroadcastTransport`, each beside amqplib by hand on the same topology. */
export const RABBITMQ_ROWS: BrokerRows = {
  contenders: [
    {
      id: 'rabbitmq-raw',
      label: 'raw amqplib: confirm channel → quorum queue → ack',
      description:
        'amqplib by hand: a confirm channel on one connection (persistent, each publish awaits its confirm), a channel with prefetch 100 on a second connection consuming the quorum queue, JSON.parse, one ack per message; the same exchange, queue and queue arguments as the transport.',
      create: (settings) => new RawAmqplibContender(settings),
    },
    {
      id: 'rabbitmq',
      label: '@smart-message/rabbitmq',
      description:
        'RabbitMqTransport with its defaults (prefetch = handler concurrency 100, one ack per message after the handler), through the MessageBus, validation on.',
      create: ours(true),
      aims: [{ baseline: 'rabbitmq-raw', atLeast: 0.6 }],
    },
    {
      id: 'rabbitmq-unvalidated',
      label: '@smart-message/rabbitmq, validation off',
      description: 'The same with `validateOnPublish` and `validateOnReceive` false: what class-validator costs.',
      create: ours(false),
      compareWith: ['rabbitmq-raw', 'rabbitmq'],
    },
    {
      id: 'rabbitmq-broadcast-raw',
      label: 'raw amqplib, broadcast: confirm channel → exclusive queue → ack',
      description:
        'The same by hand with transient messages and a server-named exclusive classic queue bounded as the broadcast transport bounds it (10,000 messages, 64 MiB, drop-head).',
      create: (settings) => new RawAmqplibContender(settings, 'broadcast'),
    },
    {
      id: 'rabbitmq-broadcast',
      label: '@smart-message/rabbitmq broadcast',
      description:
        'RabbitMqBroadcastTransport with its defaults (a queue of its own per instance, prefetch 100, ack after the handler), through the MessageBus, validation on.',
      create: (settings) =>
        new SmartMessageContender(
          new RabbitMqBroadcastTransport({
            url: rabbitMqUrlOf(settings),
            prefix: settings.prefix,
            logger: quietLogger,
          }),
        ),
      aims: [{ baseline: 'rabbitmq-broadcast-raw', atLeast: 0.8 }],
    },
  ],

  async server({ rabbitmqUrl }) {
    try {
      const connection = await connect(rabbitmqUrl, { timeout: 3000 });
      connection.on('error', () => undefined);
      const { version } = connection.connection.serverProperties;
      await connection.close();
      return `RabbitMQ ${version ?? 'unknown'}`;
    } catch (error) {
      throw new Error(
        `RabbitMQ does not answer at ${endpoint(rabbitmqUrl)} (start it with \`bash .ci/ensure-rabbitmq\`, or pass --rabbitmq-url): ${String(error)}`,
      );
    }
  },

  async cleanup({ rabbitmqUrl }, prefix) {
    const { exchange, deadLetterExchange, queue, deadLetterQueue } = rabbitMqNamesOf(prefix);
    const connection = await connect(rabbitmqUrl, { timeout: 3000 });
    connection.on('error', () => undefined);
    try {
      // RabbitMQ answers delete-ok for names that do not exist, so one list fits every row and prefix.
      const channel = await connection.createChannel();
      for (const name of [queue, deadLetterQueue]) await channel.deleteQueue(name);
      for (const name of [exchange, deadLetterExchange]) await channel.deleteExchange(name);
      await channel.close();
    } finally {
      await connection.close().catch(() => undefined);
    }
  },
};
