import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { fromConfig, Message, MessageBus, Transport } from '@smart-message/nestjs';
import * as postgres from '@smart-message/postgres';
import * as rabbitmq from '@smart-message/rabbitmq';
import * as redis from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../../redis/test/support/redis-keys';
import { dropSchema, randomSchema, TEST_DATABASE_URL } from './support/test-database';

const REDIS_URL = process.env.SMART_MESSAGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const { PostgresTransport } = postgres;
const { RabbitMqBroadcastTransport, RabbitMqTransport } = rabbitmq;
const { RedisPubSubTransport, RedisStreamsTransport } = redis;
// The packages as jest maps them to their sources; an application's loader is Node's require (the nestjs
// package's from-config spec runs that one on the build).
const packages: Record<string, unknown> = {
  '@smart-message/postgres': postgres,
  '@smart-message/rabbitmq': rabbitmq,
  '@smart-message/redis': redis,
};
const load = (packageName: string): unknown => packages[packageName];

@Message({ name: 'ConfiguredOrder', from: 'tests' })
class ConfiguredOrder {
  @IsInt() orderNo!: number;
}

describe('fromConfig with the real transport packages', () => {
  const schema = randomSchema();
  const prefix = uniquePrefix('from-config');

  afterAll(async () => {
    await dropSchema(schema);
    await deleteKeys(prefix, REDIS_URL);
  });

  it('builds each scheme’s transport with the URL and the query’s options', async () => {
    const transports = fromConfig(
      {
        SMART_MESSAGE_TRANSPORTS: [
          `db=${TEST_DATABASE_URL}?schema=${schema}&prefetch=7&notify=false`,
          `events=${REDIS_URL.replace('redis:', 'redis+streams:')}?prefix=${prefix}&blockMs=100`,
          `live=${REDIS_URL}?prefix=${prefix}`,
          'rabbit=amqp://guest:guest@127.0.0.1:5672?prefix=sm-config',
          'radio=amqp+broadcast://guest:guest@127.0.0.1:5672?prefix=sm-config&maxQueuedMessages=100',
        ].join(','),
      },
      { load },
    );
    expect(transports.db).toBeInstanceOf(PostgresTransport);
    expect((transports.db as postgres.PostgresTransport).schema).toBe(schema);
    expect(transports.events).toBeInstanceOf(RedisStreamsTransport);
    expect(transports.live).toBeInstanceOf(RedisPubSubTransport);
    expect(transports.rabbit).toBeInstanceOf(RabbitMqTransport);
    expect(transports.radio).toBeInstanceOf(RabbitMqBroadcastTransport);
    await Promise.all(Object.values(transports).map((transport: Transport) => transport.close()));
  });

  it.each([
    ['postgres', () => `${TEST_DATABASE_URL}?schema=${schema}&pollIntervalMs=50`],
    ['Redis Streams', () => `${REDIS_URL.replace('redis:', 'redis+streams:')}?prefix=${prefix}s:&blockMs=100`],
  ])('delivers a message through a bus on a %s transport built from its URL', async (_, url) => {
    const bus = new MessageBus({
      entity: 'configured',
      logger: silent,
      transports: fromConfig({ transports: { main: url() } }, { load }),
    });
    const received: number[] = [];
    await bus.subscribe(ConfiguredOrder, (message) => void received.push(message.orderNo));
    await bus.start();
    try {
      await bus.publish(Object.assign(new ConfiguredOrder(), { orderNo: 42 }));
      await waitFor(() => received.length === 1, 'the configured order');
      expect(received).toEqual([42]);
    } finally {
      await bus.shutdown(2000);
    }
  });
});
