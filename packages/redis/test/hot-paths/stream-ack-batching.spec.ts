import { Redis } from 'ioredis';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';
// The batcher is internal: its batch size is not an option, and its twin needs one of 1.
import { AckBatcher, AckFailure } from '../../src/streams/ack-batcher';

/**
 * Shortcut: a Streams consumer collects the acknowledgements of finished entries per stream and
 * sends them as one XACK when the batch is full or on the next turn (streams/ack-batcher.ts, 200
 * per XACK in streams/stream-consumer.ts). Its twin is a batch of one: an XACK per entry.
 */

const GROUP = 'hot-paths';

async function run(redis: Redis, maxBatch: number) {
  const prefix = uniquePrefix('hot-ack');
  const streams = [`${prefix}a`, `${prefix}b`];
  const failures: AckFailure[] = [];
  const batcher = new AckBatcher(() => redis, GROUP, maxBatch, {
    onFailure: (failure) => void failures.push(failure),
    onRecovered: () => undefined,
  });
  try {
    const ids = new Map<string, string[]>();
    for (const stream of streams) {
      await redis.xgroup('CREATE', stream, GROUP, '$', 'MKSTREAM');
      const added: string[] = [];
      for (let index = 0; index < 450; index++)
        added.push((await redis.xadd(stream, '*', 'n', String(index))) as string);
      await redis.xreadgroup('GROUP', GROUP, 'consumer', 'COUNT', 1000, 'STREAMS', stream, '>');
      ids.set(stream, added);
    }
    const unconfirmedRightAfterAdd: boolean[] = [];
    // Acknowledge all but the last 10 of each stream, interleaved; one id of a stream without the group.
    for (let index = 0; index < 440; index++) {
      for (const stream of streams) {
        const id = ids.get(stream)![index]!;
        batcher.add(stream, id);
        unconfirmedRightAfterAdd.push(batcher.has(stream, id));
      }
    }
    batcher.add(`${prefix}missing`, '1-1');
    await batcher.flush();
    const pending = await Promise.all(streams.map((stream) => redis.xpending(stream, GROUP)));
    return {
      unconfirmedRightAfterAdd: unconfirmedRightAfterAdd.every(Boolean),
      confirmedAfterFlush: streams.every((stream) =>
        ids
          .get(stream)!
          .slice(0, 440)
          .every((id) => !batcher.has(stream, id)),
      ),
      pendingCounts: pending.map((summary) => (summary as [number])[0]),
      pendingIds: await Promise.all(
        streams.map(async (stream) =>
          ((await redis.xpending(stream, GROUP, '-', '+', 100)) as [string][]).map(([id]) =>
            ids.get(stream)!.indexOf(id),
          ),
        ),
      ),
      refused: failures.reduce((sum, failure) => sum + failure.count, 0),
      kept: failures.some((failure) => failure.kept),
      waitingForConnection: batcher.waitingForConnection,
    };
  } finally {
    batcher.discardKept();
    await deleteKeys(prefix);
  }
}

describe('hot path: stream acknowledgements batched', () => {
  const redis = new Redis();
  afterAll(() => redis.disconnect());

  // Two runs of hundreds of round trips each: on a loaded CI machine that is more than jest's default 5 s.
  it('leaves the same entries pending as one XACK per entry does', async () => {
    const batched = await run(redis, 200);
    const perEntry = await run(redis, 1);

    expect(batched).toEqual(perEntry);
    expect(perEntry.pendingCounts).toEqual([10, 10]);
    expect(perEntry.pendingIds[0]).toEqual([440, 441, 442, 443, 444, 445, 446, 447, 448, 449]);
  }, 60_000);
});
