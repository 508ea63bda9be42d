import { expect } from '@jest/globals';
import { DeadLetterEntry, DeadLetterStore } from '@smart-message/nestjs';
import { deadLetter, unreadableFrame } from '../dead-letter-fixtures';
import { DeadLetterStoreSuite } from '../dead-letter-store-suite';
import { AUDIT, PACKER, ReplayRig } from '../replay-rig';
import { waitFor } from '../../wait-for';

async function withRig(store: DeadLetterStore, body: (rig: ReplayRig) => Promise<void>): Promise<void> {
  const rig = await ReplayRig.start(store);
  try {
    await body(rig);
  } finally {
    await rig.stop();
  }
}

const failedAt = (entry: DeadLetterEntry | undefined): number => Date.parse(entry?.lastFailedAt ?? '');

export function describeReplayCases(suite: DeadLetterStoreSuite): void {
  suite.test('replay to the handler: a failure keeps the entry with attempts 2, a success removes it', (store) =>
    withRig(store, async (rig) => {
      rig.failing.add(PACKER);
      const header = await rig.publish('vase');
      const [entry] = await rig.entries(1);
      expect(entry).toMatchObject({
        handlerId: PACKER,
        reason: 'handler-failed',
        transport: 'memory',
        attempts: 1,
        error: { name: 'PackingError', message: 'cannot pack vase' },
      });
      expect(entry!.envelope?.header).toEqual(header);

      const failed = await rig.queue.replay(entry!.id);
      expect(failed).toEqual({
        replayed: 0,
        failed: 1,
        skipped: 0,
        outcomes: [
          {
            id: entry!.id,
            via: 'handler',
            status: 'failed',
            attempts: 2,
            error: expect.objectContaining({ name: 'PackingError', message: 'cannot pack vase' }),
          },
        ],
      });
      const kept = await store.get(entry!.id);
      expect(kept).toMatchObject({ attempts: 2, firstFailedAt: entry!.firstFailedAt, envelope: entry!.envelope });
      expect(failedAt(kept)).toBeGreaterThanOrEqual(failedAt(entry));
      expect((await store.list()).total).toBe(1);

      rig.failing.delete(PACKER);
      const replayed = await rig.queue.replay(entry!.id);
      expect(replayed).toEqual({
        replayed: 1,
        failed: 0,
        skipped: 0,
        outcomes: [{ id: entry!.id, via: 'handler', status: 'replayed' }],
      });
      expect(rig.handled(PACKER)).toEqual([header.uuid]);
      // Straight to the handler that failed: the other subscriber got the message once, at publish.
      expect(rig.handled(AUDIT)).toEqual([header.uuid]);
      expect(await store.get(entry!.id)).toBeUndefined();
      expect((await store.list()).total).toBe(0);
    }),
  );

  suite.test('replay through the transport: every subscriber gets the same message again, the entry goes', (store) =>
    withRig(store, async (rig) => {
      rig.failing.add(PACKER);
      const header = await rig.publish('lamp');
      const [entry] = await rig.entries(1);
      rig.failing.delete(PACKER);

      const report = await rig.queue.replay(entry!.id, { via: 'transport' });

      expect(report.outcomes).toEqual([{ id: entry!.id, via: 'transport', status: 'replayed' }]);
      await waitFor(() => rig.handled(PACKER).length === 1 && rig.handled(AUDIT).length === 2, 'the replayed copy');
      expect(rig.handled(PACKER)).toEqual([header.uuid]);
      expect(rig.handled(AUDIT)).toEqual([header.uuid, header.uuid]);
      expect(await store.get(entry!.id)).toBeUndefined();
    }),
  );

  suite.test('a message that fails again after a transport replay comes back as a fresh entry', (store) =>
    withRig(store, async (rig) => {
      rig.failing.add(PACKER);
      await rig.publish('clock');
      const [entry] = await rig.entries(1);
      await store.upsert({ ...entry!, attempts: 3 });

      const report = await rig.queue.replay(entry!.id, { via: 'transport' });

      expect(report.replayed).toBe(1);
      let back: DeadLetterEntry | undefined;
      await waitFor(async () => (back = await store.get(entry!.id)) !== undefined, 'the failure to come back');
      expect(back).toMatchObject({ id: entry!.id, attempts: 1, handlerId: PACKER, envelope: entry!.envelope });
      expect((await store.list()).total).toBe(1);
    }),
  );

  suite.test('replay by filter replays what it matches, oldest first, up to a limit', (store) =>
    withRig(store, async (rig) => {
      rig.failing.add(PACKER);
      rig.failing.add(AUDIT);
      await rig.publish('first');
      await rig.entries(2);
      await rig.publish('second');
      const entries = await rig.entries(4);
      rig.failing.clear();

      const audit = await rig.queue.replay({ handlerId: AUDIT });
      expect(audit.replayed).toBe(2);
      expect(rig.handled(AUDIT)).toEqual(
        entries.filter((entry) => entry.handlerId === AUDIT).map((entry) => entry.envelope?.header.uuid),
      );
      expect(rig.handled(PACKER)).toEqual([]);

      const one = await rig.queue.replay({ reason: 'handler-failed' }, { limit: 1 });
      expect(one.outcomes).toEqual([
        { id: entries.find((entry) => entry.handlerId === PACKER)!.id, via: 'handler', status: 'replayed' },
      ]);
      expect((await store.list()).entries.map((entry) => entry.handlerId)).toEqual([PACKER]);
    }),
  );

  suite.test('replay skips what it cannot send and says why', (store) =>
    withRig(store, async (rig) => {
      await store.upsert(unreadableFrame('raw', 'not a frame', -1));
      await store.upsert(deadLetter({ id: 'gone', handlerId: 'Removed.handler' }));

      const report = await rig.queue.replay({});
      expect(report).toMatchObject({ replayed: 0, failed: 0, skipped: 2 });
      expect(report.outcomes).toEqual([
        { id: 'raw', via: 'transport', status: 'skipped', detail: expect.stringContaining('raw frame') },
        { id: 'gone', via: 'handler', status: 'skipped', detail: expect.stringContaining('Removed.handler') },
      ]);
      expect(await rig.queue.replay('no-such-entry')).toEqual({
        replayed: 0,
        failed: 0,
        skipped: 1,
        outcomes: [{ id: 'no-such-entry', status: 'not-found' }],
      });
      expect((await store.list()).total).toBe(2);
    }),
  );
}
