import { brokerBenchmark } from '../broker/broker-benchmark';
import { deleteKeysUnder, redisVersion } from '../redis/redis-keys';
import { POSTGRES_CONTENDERS } from './postgres-contenders';
import { dropSchemasUnder, postgresVersion } from './postgres-server';

export const postgresBenchmark = brokerBenchmark({
  name: 'postgres',
  title: 'PostgreSQL: publish → handler',
  contenders: POSTGRES_CONTENDERS,
  defaultMessages: 10_000,
  introduction:
    'Each contender has a schema of its own, created empty for the run. "Claim batch" is how many due rows one ' +
    'claim statement takes: 1 is one round trip per message, 50 is the default. The hand-written loop does less ' +
    'than the transport (no consumer groups or fan-out rows, no fencing, no frame header, no validation), so it is ' +
    'the ceiling; the Streams row is the same library on Redis.',
  servers: async ({ postgresUrl, redisUrl }) =>
    `PostgreSQL ${await postgresVersion(postgresUrl)} and Redis ${await redisVersion(redisUrl)} on the same machine`,
  cleanup: async ({ postgresUrl, redisUrl }, prefix) => {
    await dropSchemasUnder(postgresUrl, prefix);
    await deleteKeysUnder(redisUrl, prefix);
  },
});
