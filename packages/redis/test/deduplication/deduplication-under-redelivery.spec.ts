import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { waitFor } from '@smart-message/testing';
import { ChildAppProcess, ChildEvent } from '../support/child-app-process';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

jest.setTimeout(120_000);

const range = (count: number): number[] => Array.from({ length: count }, (_, seq) => seq);

describe('deduplication under redelivery on Redis Streams', () => {
  const prefix = uniquePrefix('mp-dedup');
  const redis = new Redis();
  const children: ChildAppProcess[] = [];
  const start = (env: Record<string, string>): ChildAppProcess => {
    const child = new ChildAppProcess({ TRANSPORT: 'streams', PREFIX: prefix, BROADCAST: '1', ...env });
    children.push(child);
    return child;
  };

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await deleteKeys(prefix);
    redis.disconnect();
  });

  it('processes no uuid twice when a consumer is killed with SIGKILL mid-run, and still handles every message', async () => {
    const worker = {
      ENTITY: 'workers',
      DEDUP: 'redis',
      DEDUP_LEASE_MS: '600',
      HANDLER_DELAY_MS: '5',
      CONCURRENCY: '4',
      CLAIM_IDLE_MS: '1000',
    };
    // After 40 completions the doomed consumer stops where a kill is clean (fixtures/freeze.ts): its
    // last completions are recorded by deduplication but never acknowledged, the other messages it
    // holds stopped midway (not processed), and their in-progress marks lapse once it is dead.
    const doomed = start({ ...worker, CONSUMER: `doomed-${randomUUID()}`, FREEZE_AFTER: '40' });
    const survivor = start({ ...worker, CONSUMER: `survivor-${randomUUID()}` });
    await Promise.all([doomed.ready(), survivor.ready()]);

    const count = 400;
    const publisher = start({
      ROLE: 'publisher',
      ENTITY: 'orders',
      PUBLISH: JSON.stringify(range(count).map((seq) => ({ seq }))),
    });
    await doomed.waitFor((events) => events.some((event) => event.event === 'frozen'), 60_000);
    const frozen = doomed.events.find((event) => event.event === 'frozen')!;
    await doomed.kill();
    await publisher.waitFor((events) => events.some((event) => event.event === 'done'));

    const handled = (): ChildEvent[] => [...doomed.handled(), ...survivor.handled()];
    await survivor.waitFor(() => new Set(handled().map((event) => event.seq)).size >= count, 60_000);
    // Every entry acknowledged: nothing can be delivered again, so a double processing would show by now.
    await waitFor(async () => (await pendingCount(redis, `${prefix}WorkItem`, 'workers')) === 0, 'no entry pending', {
      timeoutMs: 30_000,
      intervalMs: 50,
    });

    const handledUuids = handled().map((event) => event.uuid as string);
    expect(handledUuids.length).toBe(count);
    expect(new Set(handledUuids).size).toBe(count);
    expect([...new Set(handled().map((event) => event.seq as number))].sort((a, b) => a - b)).toEqual(range(count));

    // The survivor got back what the doomed consumer had processed and not acknowledged, and skipped it;
    // and it processed what the doomed consumer had stopped midway, once that mark lapsed.
    const processedByDoomed = new Set(doomed.handled().map((event) => event.uuid));
    const skipped = survivor.events.filter((event) => event.event === 'skipped');
    expect(frozen.completions).toBeGreaterThanOrEqual(40);
    expect(skipped.some((event) => processedByDoomed.has(event.uuid) && (event.attempt ?? 1) > 1)).toBe(true);
    const takenOver = survivor
      .handled()
      .filter((event) => (event.attempt ?? 1) > 1 && !processedByDoomed.has(event.uuid));
    expect(takenOver.length).toBeGreaterThanOrEqual(frozen.stoppedBeforeCompletion!);
  });
});

async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  const [count] = (await redis.xpending(stream, group)) as [number, ...unknown[]];
  return Number(count);
}
