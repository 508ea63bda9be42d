import { brokerBenchmark } from '../broker/broker-benchmark';
import { REDIS_CONTENDERS } from './contenders';
import { deleteKeysUnder, redisVersion } from './redis-keys';

export const redisBenchmark = brokerBenchmark({
  name: 'redis',
  title: 'Redis: publish → handler',
  contenders: REDIS_CONTENDERS,
  defaultMessages: 20_000,
  servers: async ({ redisUrl }) => `Redis ${await redisVersion(redisUrl)} on the same machine`,
  cleanup: async ({ redisUrl }, prefix) => void (await deleteKeysUnder(redisUrl, prefix)),
});
