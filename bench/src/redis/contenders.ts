import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { ContenderDefinition } from './contender';
import { NestMicroservicesContender } from './contenders/nest-microservices.contender';
import { quietLogger } from './contenders/quiet-logger';
import { RawPubSubContender } from './contenders/raw-pubsub.contender';
import { RawStreamsContender } from './contenders/raw-streams.contender';
import { SmartMessageContender } from './contenders/smart-message.contender';

/** The rows of the Redis benchmark, in table order. */
export const REDIS_CONTENDERS: readonly ContenderDefinition[] = [
  {
    id: 'raw-pubsub',
    label: 'raw ioredis PUBLISH/SUBSCRIBE',
    description: 'ioredis by hand, one publisher and one subscriber connection, JSON.stringify / JSON.parse.',
    create: (settings) => new RawPubSubContender(settings, false),
  },
  {
    id: 'raw-pubsub-pipelined',
    label: 'raw ioredis PUBLISH/SUBSCRIBE, auto-pipelining',
    description: 'The same with `enableAutoPipelining` on the publisher.',
    create: (settings) => new RawPubSubContender(settings, true),
  },
  {
    id: 'smart-message-pubsub',
    label: '@smart-message/redis pub/sub',
    description: 'RedisPubSubTransport with its defaults, through the MessageBus, validation on publish and receipt.',
    create: (settings) =>
      new SmartMessageContender(
        new RedisPubSubTransport({ url: settings.redisUrl, prefix: settings.prefix, logger: quietLogger }),
      ),
    aims: [
      { baseline: 'raw-pubsub', atLeast: 0.8 },
      { baseline: 'nest-microservices', atLeast: 1.5 },
    ],
  },
  {
    id: 'smart-message-pubsub-pipelined',
    label: '@smart-message/redis pub/sub, auto-pipelining',
    description: 'The same with `redisOptions: { enableAutoPipelining: true }`.',
    create: (settings) =>
      new SmartMessageContender(
        new RedisPubSubTransport({
          url: settings.redisUrl,
          prefix: settings.prefix,
          logger: quietLogger,
          redisOptions: { enableAutoPipelining: true },
        }),
      ),
    aims: [
      { baseline: 'raw-pubsub-pipelined', atLeast: 0.8 },
      { baseline: 'nest-microservices', atLeast: 1.5 },
    ],
  },
  {
    id: 'smart-message-pubsub-batched',
    label: '@smart-message/redis pub/sub, batched',
    description:
      'RedisPubSubTransport with `batch: { maxMessages: 100 }`: up to 100 frames per PUBLISH, flushed at the end of each event-loop turn.',
    create: (settings) =>
      new SmartMessageContender(
        new RedisPubSubTransport({
          url: settings.redisUrl,
          prefix: settings.prefix,
          logger: quietLogger,
          batch: { maxMessages: 100 },
        }),
      ),
    aims: [
      { baseline: 'raw-pubsub', atLeast: 0.8 },
      { baseline: 'nest-microservices', atLeast: 1.5 },
    ],
  },
  {
    id: 'smart-message-pubsub-unvalidated',
    label: '@smart-message/redis pub/sub, validation off',
    description:
      'The default pub/sub contender with `validateOnPublish` and `validateOnReceive` false: what class-validator costs.',
    create: (settings) =>
      new SmartMessageContender(
        new RedisPubSubTransport({ url: settings.redisUrl, prefix: settings.prefix, logger: quietLogger }),
        false,
      ),
  },
  {
    id: 'raw-streams',
    label: 'raw ioredis XADD + XREADGROUP/XACK loop',
    description:
      'By hand: XADD MAXLEN ~ 100000; one consumer, XREADGROUP COUNT 100 BLOCK 2000, one XACK per batch (not awaited).',
    create: (settings) => new RawStreamsContender(settings),
  },
  {
    id: 'smart-message-streams',
    label: '@smart-message/redis Streams',
    description:
      'RedisStreamsTransport with its defaults (batch 100, block 2000 ms, MAXLEN ~ 100000, handler concurrency 100), through the MessageBus, validation on.',
    create: (settings) =>
      new SmartMessageContender(
        new RedisStreamsTransport({ url: settings.redisUrl, prefix: settings.prefix, logger: quietLogger }),
      ),
    aims: [{ baseline: 'raw-streams', atLeast: 0.6 }],
  },
  {
    id: 'nest-microservices',
    label: '@nestjs/microservices Redis (emit → @EventPattern)',
    description:
      'ClientProxy.emit to an @EventPattern handler of a NestFactory.createMicroservice app (Transport.REDIS, defaults, no ValidationPipe), same process.',
    create: (settings) => new NestMicroservicesContender(settings),
  },
];
