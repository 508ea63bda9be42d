import { NatsJetStreamTransport, NatsTransport } from '@smart-message/nats';
import { Transport } from '@smart-message/nestjs';
import { RabbitMqTransport } from '@smart-message/rabbitmq';
import { RedisDeadLetterStore } from '@smart-message/redis';
import { deadLetterStoreFor } from '../src/dead-letters/dead-letter-store.config';
import { MessagingConfigError } from '../src/messaging/messaging-config.error';
import { MESSAGING_MODES, readMessagingSettings } from '../src/messaging/messaging-settings';
import { subjectPrefixOf } from '../src/messaging/modes/nats.mode';
import { exchangeOf } from '../src/messaging/modes/rabbitmq.mode';

/** The kinds of a mode's two transports; builds them (nothing connects before start) and closes them. */
async function kindsOf(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const transports: Record<string, Transport> = readMessagingSettings(env).transports();
  try {
    return Object.fromEntries(Object.entries(transports).map(([name, transport]) => [name, transport.kind]));
  } finally {
    await Promise.all(Object.values(transports).map((transport) => transport.close()));
  }
}

describe('the sample messaging modes (SMART_MESSAGE_TRANSPORT)', () => {
  it.each([
    [{}, { durable: 'memory', broadcast: 'memory' }],
    [{ SMART_MESSAGE_TRANSPORT: 'memory' }, { durable: 'memory', broadcast: 'memory' }],
    [{ SMART_MESSAGE_TRANSPORT: 'redis' }, { durable: 'redis-streams', broadcast: 'redis-pubsub' }],
    [
      { SMART_MESSAGE_TRANSPORT: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/shop' },
      { durable: 'redis-streams', broadcast: 'redis-pubsub' },
    ],
    [{ SMART_MESSAGE_TRANSPORT: 'rabbitmq' }, { durable: 'rabbitmq', broadcast: 'rabbitmq-broadcast' }],
    [{ SMART_MESSAGE_TRANSPORT: 'nats' }, { durable: 'nats-jetstream', broadcast: 'nats' }],
    [
      { SMART_MESSAGE_TRANSPORT: 'redis-cluster', REDIS_CLUSTER_NODES: '127.0.0.1:7000' },
      { durable: 'redis-streams', broadcast: 'redis-pubsub' },
    ],
  ])('%j gives the transports %j', async (env, kinds) => {
    expect(await kindsOf(env)).toEqual(kinds);
  });

  it('names every mode when the variable names none of them', () => {
    const error = captured(() => readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'kafka' }));

    expect(error).toBeInstanceOf(MessagingConfigError);
    expect(error).toMatchObject({ code: 'SAMPLE_MESSAGING_CONFIG', variable: 'SMART_MESSAGE_TRANSPORT' });
    expect(error.message).toBe(
      'SMART_MESSAGE_TRANSPORT must be memory, redis, postgres, rabbitmq, nats or redis-cluster, got "kafka"',
    );
    for (const mode of MESSAGING_MODES) expect(error.message).toContain(mode.name);
  });

  it('keeps the dead letters in Redis in every mode that talks to Redis, and nowhere else', () => {
    expect(readMessagingSettings({}).redis).toBeUndefined();
    expect(readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'rabbitmq', SMART_MESSAGE_PREFIX: 'p:' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'p:',
    });
    expect(readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'nats', SMART_MESSAGE_PREFIX: 'p:' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'p:',
    });
  });

  describe('rabbitmq', () => {
    it('publishes on the exchange named by SMART_MESSAGE_PREFIX without its trailing ":", at RABBITMQ_URL', async () => {
      const transports = readMessagingSettings({
        SMART_MESSAGE_TRANSPORT: 'rabbitmq',
        SMART_MESSAGE_PREFIX: 'shop-7:',
        RABBITMQ_URL: 'amqp://shop:secret@rabbit.invalid:5673/shop',
      }).transports();
      try {
        const durable = transports.durable as RabbitMqTransport;
        expect(durable.topology.exchange).toBe('shop-7');
        expect(durable.queueOf('fulfillment', 'OrderPlaced')).toBe('shop-7.fulfillment.OrderPlaced');
        expect(durable.status().endpoint).toBe('rabbit.invalid:5673');
      } finally {
        await Promise.all(Object.values(transports).map((transport) => transport.close()));
      }
    });

    it('defaults to the sample-shop exchange', () => {
      expect(exchangeOf('sample-shop:')).toBe('sample-shop');
    });

    it('refuses a prefix that cannot name an exchange before anything connects, naming the variable', () => {
      const error = captured(() =>
        readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'rabbitmq', SMART_MESSAGE_PREFIX: 'my shop:' }),
      );

      expect(error).toBeInstanceOf(MessagingConfigError);
      expect(error).toMatchObject({ code: 'SAMPLE_MESSAGING_CONFIG', variable: 'SMART_MESSAGE_PREFIX' });
      expect(error.message).toContain('SMART_MESSAGE_PREFIX "my shop:" cannot name the RabbitMQ exchange');
      expect((error.cause as { code?: string }).code).toBe('SM_RABBITMQ_INVALID_NAME');
    });
  });

  describe('nats', () => {
    it('publishes on subjects and streams named by SMART_MESSAGE_PREFIX without its trailing ":", at NATS_URL', async () => {
      const transports = readMessagingSettings({
        SMART_MESSAGE_TRANSPORT: 'nats',
        SMART_MESSAGE_PREFIX: 'shop-7:',
        NATS_URL: 'nats://nats.invalid:4223',
      }).transports();
      try {
        const durable = transports.durable as NatsJetStreamTransport;
        const broadcast = transports.broadcast as NatsTransport;
        expect(durable.topology.subjectOf('OrderPlaced')).toBe('shop-7.OrderPlaced');
        expect(durable.topology.streamOf('OrderPlaced')).toBe('SHOP-7_OrderPlaced');
        expect(durable.topology.consumerOf('fulfillment', 'OrderPlaced')).toBe('fulfillment__OrderPlaced');
        expect(durable.status().endpoint).toBe('nats.invalid:4223');
        expect(broadcast.status().endpoint).toBe('nats.invalid:4223');
      } finally {
        await Promise.all(Object.values(transports).map((transport) => transport.close()));
      }
    });

    it('defaults to nats://127.0.0.1:4222 and the sample-shop prefix', async () => {
      const transports = readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'nats' }).transports();
      try {
        const durable = transports.durable as NatsJetStreamTransport;
        expect(durable.topology.prefix).toBe('sample-shop');
        expect(durable.status().endpoint).toBe('127.0.0.1:4222');
      } finally {
        await Promise.all(Object.values(transports).map((transport) => transport.close()));
      }
      expect(subjectPrefixOf('sample-shop:')).toBe('sample-shop');
    });

    it.each(['my shop:', 'shop.eu:', 'shop*:', ':'])(
      'refuses the prefix %j before anything connects, naming the variable',
      (prefix) => {
        const error = captured(() =>
          readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'nats', SMART_MESSAGE_PREFIX: prefix }),
        );

        expect(error).toBeInstanceOf(MessagingConfigError);
        expect(error).toMatchObject({ code: 'SAMPLE_MESSAGING_CONFIG', variable: 'SMART_MESSAGE_PREFIX' });
        expect(error.message).toContain(`SMART_MESSAGE_PREFIX "${prefix}" cannot name the NATS subjects and streams`);
        expect((error.cause as { code?: string }).code).toBe('SM_NATS_INVALID_NAME');
      },
    );
  });

  describe('redis-cluster', () => {
    it('connects to the seed nodes of REDIS_CLUSTER_NODES, and keeps the dead letters on the cluster', () => {
      const settings = readMessagingSettings({
        SMART_MESSAGE_TRANSPORT: 'redis-cluster',
        REDIS_CLUSTER_NODES: ' 10.0.0.1:7000,10.0.0.2:7001 , [::1]:7002',
        SMART_MESSAGE_PREFIX: 'shop-7:',
      });

      expect(settings.redis).toEqual({
        cluster: { nodes: ['10.0.0.1:7000', '10.0.0.2:7001', '[::1]:7002'] },
        prefix: 'shop-7:',
      });
    });

    it('tags the dead letter keys, so the store can write them in one MULTI on the cluster', async () => {
      const settings = readMessagingSettings({
        SMART_MESSAGE_TRANSPORT: 'redis-cluster',
        REDIS_CLUSTER_NODES: '127.0.0.1:7000',
        SMART_MESSAGE_PREFIX: 'shop-7:',
      });
      const store = deadLetterStoreFor(settings, {}) as RedisDeadLetterStore;
      try {
        expect(store).toBeInstanceOf(RedisDeadLetterStore);
        expect(store.entriesKey).toBe('shop-7:{dead-letters}:entries');
      } finally {
        await store.close();
      }
    });

    it.each([
      [undefined, 'REDIS_CLUSTER_NODES is required in redis-cluster mode'],
      ['  ', 'REDIS_CLUSTER_NODES is required in redis-cluster mode'],
      ['127.0.0.1', 'the seed node "127.0.0.1" is not host:port'],
      ['127.0.0.1:7000,', 'the seed node "" is not host:port'],
      ['127.0.0.1:70000', 'the seed node "127.0.0.1:70000" is not host:port'],
      ['redis://127.0.0.1:7000', 'the seed node "redis://127.0.0.1:7000" is not host:port'],
    ])('refuses REDIS_CLUSTER_NODES=%j before anything connects, naming the variable', (nodes, message) => {
      const error = captured(() =>
        readMessagingSettings({
          SMART_MESSAGE_TRANSPORT: 'redis-cluster',
          ...(nodes === undefined ? {} : { REDIS_CLUSTER_NODES: nodes }),
        }),
      );

      expect(error).toBeInstanceOf(MessagingConfigError);
      expect(error).toMatchObject({ code: 'SAMPLE_MESSAGING_CONFIG', variable: 'REDIS_CLUSTER_NODES' });
      expect(error.message).toContain(message);
      expect(error.message).toContain('e.g. REDIS_CLUSTER_NODES=127.0.0.1:7000,127.0.0.1:7001');
    });

    it('refuses a prefix with a hash tag, which would put every stream on one shard', () => {
      const error = captured(() =>
        readMessagingSettings({
          SMART_MESSAGE_TRANSPORT: 'redis-cluster',
          REDIS_CLUSTER_NODES: '127.0.0.1:7000',
          SMART_MESSAGE_PREFIX: '{shop}:',
        }),
      );

      expect(error).toBeInstanceOf(MessagingConfigError);
      expect(error).toMatchObject({ variable: 'SMART_MESSAGE_PREFIX' });
    });
  });

  it('postgres mode names DATABASE_URL when it is missing', () => {
    expect(captured(() => readMessagingSettings({ SMART_MESSAGE_TRANSPORT: 'postgres' }))).toMatchObject({
      code: 'SAMPLE_MESSAGING_CONFIG',
      variable: 'DATABASE_URL',
    });
  });
});

function captured(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not throw');
}
