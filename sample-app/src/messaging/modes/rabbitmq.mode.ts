import { RabbitMqInvalidNameError, RabbitMqTransport, Topology } from '@smart-message/rabbitmq';
import { RedisPubSubTransport } from '@smart-message/redis';
import { MessagingConfigError } from '../messaging-config.error';
import { BROADCAST_TRANSPORT, DURABLE_TRANSPORT } from '../transport-names';
import { MessagingMode, readRedisSettings } from './messaging-mode';

const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * The exchange (and queue name prefix) on RabbitMQ: `SMART_MESSAGE_PREFIX` without its trailing
 * `:`, since Redis names end in the separator and AMQP names may not contain one.
 */
export function exchangeOf(prefix: string): string {
  const exchange = prefix.replace(/:+$/, '');
  try {
    // Topology holds the transport's naming rule; building one checks the name before anything connects.
    new Topology(exchange, 1, false);
  } catch (error) {
    if (!(error instanceof RabbitMqInvalidNameError)) throw error;
    throw new MessagingConfigError(
      'SMART_MESSAGE_PREFIX',
      `SMART_MESSAGE_PREFIX "${prefix}" cannot name the RabbitMQ exchange: ${error.message} ` +
        '(SMART_MESSAGE_PREFIX, whose trailing ":" is dropped on RabbitMQ)',
      { cause: error },
    );
  }
  return exchange;
}

/**
 * `SMART_MESSAGE_TRANSPORT=rabbitmq`: the durable classes on RabbitMQ quorum queues
 * (`RABBITMQ_URL`, exchange `<SMART_MESSAGE_PREFIX without ":">`), broadcasts and replies on
 * Redis pub/sub (`REDIS_URL`, `SMART_MESSAGE_PREFIX`), where the dead letters are kept too.
 */
export const rabbitMqMode: MessagingMode = {
  name: 'rabbitmq',
  read(env) {
    const redis = readRedisSettings(env);
    const url = env.RABBITMQ_URL || DEFAULT_RABBITMQ_URL;
    const exchange = exchangeOf(redis.prefix);
    return {
      mode: 'rabbitmq',
      redis,
      transports: () => ({
        [DURABLE_TRANSPORT]: new RabbitMqTransport({ url, prefix: exchange, connectionName: 'sample-shop' }),
        // RabbitMQ has no broadcast transport yet (per-instance exclusive queues): replies must reach
        // the very instance that waits, so they go over Redis pub/sub as in redis mode. This line is
        // the one to change when that transport exists; Redis then only keeps the dead letters.
        [BROADCAST_TRANSPORT]: new RedisPubSubTransport({ url: redis.url, prefix: redis.prefix }),
      }),
    };
  },
};
