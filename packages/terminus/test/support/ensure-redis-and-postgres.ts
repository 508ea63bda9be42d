import ensurePostgres from '../../../postgres/test/support/ensure-postgres';
import ensureRedis from '../../../redis/test/support/ensure-redis';

/** Jest global setup of the terminus suites: the Redis ones and the PostgreSQL one. */
export default async function ensureRedisAndPostgres(): Promise<void> {
  await ensureRedis();
  await ensurePostgres();
}
