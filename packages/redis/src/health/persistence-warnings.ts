import type { Redis } from 'ioredis';
import { isClusterClient, RedisClient } from '../connection/redis-client';
import { replyFields } from './reply-fields';
import { withinTimeout } from './within-timeout';

/**
 * Why Redis might lose stream entries: an eviction policy other than `noeviction` drops keys
 * under memory pressure, and without AOF or RDB snapshots a restart empties it. Warnings only:
 * whether that is acceptable is the operator's call.
 */
export async function persistenceWarnings(client: RedisClient, timeoutMs: number): Promise<string[]> {
  if (!isClusterClient(client)) return serverPersistenceWarnings(client, timeoutMs);
  // CONFIG is per node, and ioredis would send it to any one: ask every primary, since the one
  // that loses a stream is the one serving its slot.
  const masters = client.nodes('master');
  const perNode = await Promise.all(
    masters.map(async (node) => {
      const warnings = await serverPersistenceWarnings(node, timeoutMs);
      return warnings.map((warning) => `${node.options.host}:${node.options.port}: ${warning}`);
    }),
  );
  return perNode.flat();
}

async function serverPersistenceWarnings(client: Redis, timeoutMs: number): Promise<string[]> {
  let config: Map<string, string>;
  try {
    const reply = await withinTimeout(
      client.call('CONFIG', 'GET', 'maxmemory-policy', 'appendonly', 'save'),
      timeoutMs,
      'CONFIG GET',
    );
    config = new Map([...replyFields(reply)].map(([field, value]) => [field, String(value ?? '')]));
  } catch (error) {
    // Managed Redis services often disable CONFIG; say so rather than guess.
    return [`could not read the eviction and persistence settings: ${(error as Error).message}`];
  }
  const warnings: string[] = [];
  const policy = config.get('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(`maxmemory-policy is ${policy}: Redis may evict streams under memory pressure (use noeviction)`);
  }
  const appendOnly = config.get('appendonly') === 'yes';
  const snapshots = (config.get('save') ?? '').trim() !== '';
  if (!appendOnly && !snapshots) {
    warnings.push('neither AOF (appendonly) nor RDB snapshots (save) are enabled: a Redis restart loses the streams');
  }
  return warnings;
}
