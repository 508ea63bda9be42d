import {
  RabbitMqBroadcastTransport,
  RabbitMqInvalidNameError,
  RabbitMqTransport,
  Topology,
} from '@smart-message/rabbitmq';
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
 * per-instance exclusive queues bound to the same exchange; the dead letters are kept in Redis
 * (`REDIS_URL`, `SMART_MESSAGE_PREFIX`).
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
        // Replies must reach the very instance that waits: a queue of each instance's own, at most once.
        [BROADCAST_TRANSPORT]: new RabbitMqBroadcastTransport({ url, prefix: exchange, connectionName: 'sample-shop' }),
      }),
    };
  },
};
