import { MemoryTransport, MessageBus, MessageType, Transport } from '@smart-message/nestjs';
import { BenchOrderPlaced } from '../redis/bench-order.message';
import { BenchOrderPlacedV3 } from './order-upcasters';
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
  /** The class the handler subscribes to (default: the published `BenchOrderPlaced`). */
  handlerType?: MessageType<BenchOrderPlaced>;
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
    id: 'memory-upcast',
    label: 'In memory, version 1 upcast to 3',
    defaultMessages: 100_000,
    usesRedis: false,
    description:
      'The first path with the handler on version 3 of the order and the publisher on version 1: every ' +
      'message runs two upcasters (each a field rename) before validation.',
    createBus: () => busOn('memory', new MemoryTransport(), true),
    handlerType: BenchOrderPlacedV3,
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
