import type { RedisClient } from '../connection/redis-client';
import { RedisReplyShapeError } from '../errors/redis-reply-shape.error';
import { describeShape } from './stream-reply';

/** A pending entry as XPENDING lists it. */
export interface PendingCandidate {
  id: string;
  deliveries: number;
}

/** XPENDING's extended form: id and delivery count of each pending entry of `group` on `stream` that matches. */
export async function pendingEntries(
  commands: RedisClient,
  stream: string,
  group: string,
  ...range: (string | number)[]
): Promise<PendingCandidate[]> {
  const rows: unknown = await commands.call('XPENDING', stream, group, ...range);
  if (!Array.isArray(rows)) throw new RedisReplyShapeError('XPENDING', describeShape(rows));
  return rows.map((row: unknown) => {
    if (!Array.isArray(row) || row.length < 4 || (typeof row[0] !== 'string' && !Buffer.isBuffer(row[0])))
      throw new RedisReplyShapeError('XPENDING', `a row as ${describeShape(row)}`);
    return { id: String(row[0]), deliveries: Number(row[3]) };
  });
}
