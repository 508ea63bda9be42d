import { MemoryTransport, Transport } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { Contender, ContenderSettings } from '../redis/contender';
import { REDIS_CONTENDERS } from '../redis/contenders';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { SecureBusContender } from './secure-bus.contender';
import { SECURITY_VARIANTS, SecurityVariant, VARIANT_LABELS } from './security-variant';

/** The transports the security rows run on, each a table of its own. */
export type SecurityTransport = 'memory' | 'pubsub' | 'streams';

export const TRANSPORT_LABELS: Readonly<Record<SecurityTransport, string>> = {
  memory: 'MemoryTransport (in process)',
  pubsub: 'Redis pub/sub',
  streams: 'Redis Streams',
};

/** A row of the security benchmark: a variant on a transport, or the raw client of that transport. */
export interface SecurityContenderDefinition {
  id: string;
  transport: SecurityTransport;
  /** `raw` is the hand-written ioredis row of the Redis benchmark, for the ratio to the client. */
  variant: SecurityVariant | 'raw';
  label: string;
  create(settings: ContenderSettings): Contender;
}

function transportOf(kind: SecurityTransport, settings: ContenderSettings): Transport {
  const common = { url: settings.redisUrl, prefix: settings.prefix, logger: quietLogger };
  if (kind === 'pubsub') return new RedisPubSubTransport(common);
  if (kind === 'streams') return new RedisStreamsTransport(common);
  return new MemoryTransport();
}

function rawRow(transport: SecurityTransport, redisId: string): SecurityContenderDefinition {
  const definition = REDIS_CONTENDERS.find((candidate) => candidate.id === redisId)!;
  return { id: redisId, transport, variant: 'raw', label: definition.label, create: definition.create };
}

/** Every row, in table order: per transport the four variants, then the raw client (Redis only). */
export const SECURITY_CONTENDERS: readonly SecurityContenderDefinition[] = (
  ['memory', 'pubsub', 'streams'] as const
).flatMap((transport) => [
  ...SECURITY_VARIANTS.map((variant): SecurityContenderDefinition => ({
    id: `${transport}-${variant}`,
    transport,
    variant,
    label: VARIANT_LABELS[variant],
    create: (settings) => new SecureBusContender(transportOf(transport, settings), variant),
  })),
  ...(transport === 'pubsub' ? [rawRow(transport, 'raw-pubsub')] : []),
  ...(transport === 'streams' ? [rawRow(transport, 'raw-streams')] : []),
]);
