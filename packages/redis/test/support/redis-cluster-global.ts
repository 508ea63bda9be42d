import { CLUSTER_INSTALL_HINT, hasRedisCliBinary, TestRedisCluster } from './redis-cluster';
import { hasRedisServerBinary } from './redis-server';

/** Where the shared cluster's ports are handed to the test files (jest workers inherit the environment). */
export const SHARED_CLUSTER_ENV = 'SMART_MESSAGE_TEST_REDIS_CLUSTER_PORTS';

const holder = globalThis as { smartMessageTestCluster?: TestRedisCluster };

/**
 * Jest global setup of the `redis-cluster` projects: one cluster for the files that only read and
 * write (`sharedClusterSeeds()`), started once; files that kill nodes or move slots start their
 * own. Fails, never skips, when redis-server or redis-cli is missing.
 */
export async function setup(): Promise<void> {
  if (!hasRedisServerBinary() || !(await hasRedisCliBinary())) throw new Error(CLUSTER_INSTALL_HINT);
  const cluster = await TestRedisCluster.start();
  holder.smartMessageTestCluster = cluster;
  process.env[SHARED_CLUSTER_ENV] = cluster.ports.join(',');
}

export async function teardown(): Promise<void> {
  await holder.smartMessageTestCluster?.stop();
  holder.smartMessageTestCluster = undefined;
}

/** The shared cluster's nodes as `host:port`, in a test file of a `redis-cluster` project. */
export function sharedClusterSeeds(): string[] {
  const ports = process.env[SHARED_CLUSTER_ENV];
  if (!ports) throw new Error(`${SHARED_CLUSTER_ENV} is not set: run this file in the redis-cluster jest project`);
  return ports.split(',').map((port) => `127.0.0.1:${port}`);
}
