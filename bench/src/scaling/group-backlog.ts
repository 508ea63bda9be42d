import { Redis } from 'ioredis';

/** Where a consumer group stands on a stream. */
export interface GroupBacklog {
  /** Entries read by some consumer of the group and not yet acknowledged. */
  pending: number;
  /** Entries the group has not read yet (Redis 7's `lag`; null when Redis cannot tell). */
  lag: number | null;
  /** Whether the group has read up to the stream's last entry. */
  caughtUp: boolean;
}

/** Reads a group's pending count and lag from XINFO GROUPS / XINFO STREAM. */
export async function groupBacklog(redis: Redis, stream: string, group: string): Promise<GroupBacklog> {
  const [groups, info] = await Promise.all([
    redis.call('XINFO', 'GROUPS', stream) as Promise<unknown[][]>,
    redis.call('XINFO', 'STREAM', stream) as Promise<unknown[]>,
  ]);
  const fields = groups.map(asRecord).find((candidate) => candidate.name === group);
  if (!fields) throw new Error(`no consumer group ${group} on ${stream}`);
  const lastGenerated = asRecord(info)['last-generated-id'];
  const lag = fields.lag;
  return {
    pending: Number(fields.pending),
    lag: typeof lag === 'number' ? lag : null,
    caughtUp: fields['last-delivered-id'] === lastGenerated,
  };
}

/** XINFO replies are flat [name, value, name, value, …] lists. */
function asRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) record[String(flat[index])] = flat[index + 1];
  return record;
}
