import { PostgresTransport } from '@smart-message/postgres';
import { RedisStreamsTransport } from '@smart-message/redis';
import { ContenderDefinition } from '../redis/contender';
import { quietLogger } from '../redis/contenders/quiet-logger';
import { SmartMessageContender } from '../redis/contenders/smart-message.contender';
import { postgresUrlOf } from './postgres-url';
import { RawSkipLockedContender } from './raw-skip-locked.contender';
import { TransactionalPublishContender } from './transactional-publish.contender';

const ours =
  (prefetch: number): ContenderDefinition['create'] =>
  (settings) =>
    new SmartMessageContender(
      new PostgresTransport({
        connectionString: postgresUrlOf(settings),
        schema: settings.prefix,
        prefetch,
        logger: quietLogger,
      }),
    );

/** The rows of the PostgreSQL benchmark, in table order. */
export const POSTGRES_CONTENDERS: readonly ContenderDefinition[] = [
  {
    id: 'pg-raw-1',
    label: 'hand-written SKIP LOCKED loop, claim batch 1',
    description:
      'pg by hand: INSERT + pg_notify; one loop claiming 1 due row (UPDATE … FOR UPDATE SKIP LOCKED, 30 s lease), JSON.parse, one DELETE not awaited; LISTEN wakes it.',
    create: (settings) => new RawSkipLockedContender(settings, 1),
  },
  {
    id: 'pg-raw-50',
    label: 'hand-written SKIP LOCKED loop, claim batch 50',
    description: 'The same claiming up to 50 rows per statement, one DELETE per batch.',
    create: (settings) => new RawSkipLockedContender(settings, 50),
  },
  {
    id: 'pg-1',
    label: '@smart-message/postgres, prefetch 1',
    description:
      'PostgresTransport with `prefetch: 1` (one row per claim), through the MessageBus, validation on; rows deleted in fenced batches.',
    create: ours(1),
    aims: [{ baseline: 'pg-raw-1', atLeast: 0.6 }],
  },
  {
    id: 'pg-50',
    label: '@smart-message/postgres, prefetch 50',
    description: 'PostgresTransport with its default `prefetch: 50`, through the MessageBus, validation on.',
    create: ours(50),
    aims: [{ baseline: 'pg-raw-50', atLeast: 0.6 }],
    compareWith: ['streams'],
  },
  {
    id: 'pg-tx-50',
    label: '@smart-message/postgres, prefetch 50, publish in a transaction',
    description:
      'As `pg-50`, each publish inside BEGIN … COMMIT on a pooled client of the caller’s (`{ transaction: client }`): the outbox path.',
    create: (settings) => new TransactionalPublishContender(settings, 50),
    compareWith: ['pg-50'],
  },
  {
    id: 'streams',
    label: '@smart-message/redis Streams',
    description:
      'RedisStreamsTransport with its defaults, through the MessageBus, validation on: the durable peer on Redis.',
    create: (settings) =>
      new SmartMessageContender(
        new RedisStreamsTransport({ url: settings.redisUrl, prefix: settings.prefix, logger: quietLogger }),
      ),
  },
];
