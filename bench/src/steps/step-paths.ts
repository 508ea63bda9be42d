import { MemoryTransport, MessageBus, Transport } from '@smart-message/nestjs';
import { RedisPubSubTransport } from '@smart-message/redis';
import { quietLogger } from '../redis/contenders/quiet-logger';

export interface PathSettings {
  redisUrl: string;
  /** Every Redis channel and key of the path starts with this. */
  prefix: string;
}

/** One way a message can go, profiled in a worker of its own. */
export interface StepPath {
  id: string;
  label: string;
  /** Messages per run when `--messages` is not given. */
  defaultMessages: number;
  usesRedis: boolean;
  /** Shown under the path's table. */
  description: string;
  createBus(settings: PathSettings): MessageBus;
}

/** A Nest-free bus on one transport, as a script or test would build it. */
function busOn(name: string, transport: Transport, validate: boolean): MessageBus {
  return new MessageBus({
    entity: 'bench',
    transports: { [name]: transport },
    validateOnPublish: validate,
    validateOnReceive: validate,
  });
}

/** The paths, in table order. */
export const STEP_PATHS: readonly StepPath[] = [
  {
    id: 'memory',
    label: 'In memory, validation on',
    defaultMessages: 100_000,
    usesRedis: false,
    description: '`MessageBus` on a `MemoryTransport`, validation on publish and on receipt (the defaults).',
    createBus: () => busOn('memory', new MemoryTransport(), true),
  },
  {
    id: 'memory-unvalidated',
    label: 'In memory, validation off',
    defaultMessages: 100_000,
    usesRedis: false,
    description: 'The same with `validateOnPublish: false, validateOnReceive: false`.',
    createBus: () => busOn('memory', new MemoryTransport(), false),
  },
  {
    id: 'redis-pubsub',
    label: 'Redis pub/sub, validation on',
    defaultMessages: 20_000,
    usesRedis: true,
    description:
      '`MessageBus` on a `RedisPubSubTransport` with its defaults (CloudEvents frames, one publisher and one ' +
      'subscriber connection), publisher and handler in the same process, validation on.',
    createBus: (settings) =>
      busOn(
        'redis',
        new RedisPubSubTransport({ url: settings.redisUrl, prefix: settings.prefix, logger: quietLogger }),
        true,
      ),
  },
];
