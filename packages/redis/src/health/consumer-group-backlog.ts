import type { RedisClient } from '../connection/redis-client';
import { replyFields } from './reply-fields';
import { withinTimeout } from './within-timeout';

/** A consumer group's backlog on one stream: entries not yet read (lag) and read but not acknowledged (pending). */
export interface ConsumerGroupBacklog {
  /** Null when Redis cannot tell (after deletions or trimming past the group's position). */
  lag: number | null;
  pending: number;
}

/** Reads XINFO GROUPS of `stream` and picks `group`'s figures. */
export async function consumerGroupBacklog(
  client: RedisClient,
  stream: string,
  group: string,
  timeoutMs: number,
): Promise<ConsumerGroupBacklog | undefined> {
  const groups = (await withinTimeout(client.call('XINFO', 'GROUPS', stream), timeoutMs, 'XINFO GROUPS')) as unknown[];
  for (const fields of groups) {
    const info = replyFields(fields);
    if (String(info.get('name')) !== group) continue;
    const lag = info.get('lag');
    return { lag: typeof lag === 'number' ? lag : null, pending: Number(info.get('pending') ?? 0) };
  }
  return undefined;
}
