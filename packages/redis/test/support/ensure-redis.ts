import { execFileSync } from 'node:child_process';
import { hasRedisServerBinary, INSTALL_HINT, isRedisListening } from './redis-server';

/**
 * Jest global setup of the suites that need Redis: use the server on 127.0.0.1:6379, start one
 * when none listens, and fail with what to install when Redis is not there at all.
 */
export default async function ensureRedis(): Promise<void> {
  if (await isRedisListening(6379)) return;
  if (!hasRedisServerBinary()) throw new Error(`Redis is not running on 127.0.0.1:6379 and ${INSTALL_HINT}`);
  execFileSync('redis-server', [
    '--daemonize',
    'yes',
    '--port',
    '6379',
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const deadline = Date.now() + 10_000;
  while (!(await isRedisListening(6379))) {
    if (Date.now() > deadline) throw new Error('redis-server was started but does not answer on 127.0.0.1:6379');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
