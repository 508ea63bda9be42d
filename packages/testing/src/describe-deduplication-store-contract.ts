import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DeduplicationStore } from '@smart-message/nestjs';
import { DeduplicationCheck, DeduplicationMark } from '@smart-message/nestjs/transport-kit';

export interface DeduplicationStoreContractOptions {
  /** Creates a fresh store; each test closes it (when it has `close`). */
  createStore(): Promise<DeduplicationStore> | DeduplicationStore;
}

/**
 * Registers the tests every DeduplicationStore must pass (jest `describe`/`it`): begin answers
 * new, duplicate or in-progress and takes the mark atomically; complete records, release forgets;
 * everything is per handler. Each test uses handler ids of its own, so a shared backend is fine.
 */
export function describeDeduplicationStoreContract(name: string, options: DeduplicationStoreContractOptions): void {
  describe(`${name} deduplication store contract`, () => {
    let store: DeduplicationStore;
    let handler: string;
    let otherHandler: string;

    beforeEach(async () => {
      store = await options.createStore();
      const run = randomUUID().slice(0, 8);
      handler = `Contract.handle-${run}`;
      otherHandler = `Contract.audit-${run}`;
    });

    afterEach(async () => {
      await store.close?.();
    });

    const markOf = (check: DeduplicationCheck): DeduplicationMark => {
      if (check.status !== 'new') throw new Error(`expected a new uuid, got ${check.status}`);
      return check.mark;
    };

    it('answers new for an unknown uuid, with a mark naming the handler and uuid', async () => {
      const uuid = randomUUID();
      const check = await store.begin({ handlerId: handler, uuid });
      expect(check).toMatchObject({ status: 'new', mark: { handlerId: handler, uuid } });
      expect(typeof markOf(check).token).toBe('string');
    });

    it('answers in-progress while the mark is held, and duplicate once completed', async () => {
      const uuid = randomUUID();
      const mark = markOf(await store.begin({ handlerId: handler, uuid }));
      expect(await store.begin({ handlerId: handler, uuid })).toEqual({ status: 'in-progress' });
      await store.complete(mark);
      expect(await store.begin({ handlerId: handler, uuid })).toEqual({ status: 'duplicate' });
      expect(await store.begin({ handlerId: handler, uuid })).toEqual({ status: 'duplicate' });
    });

    it('keeps its memory per handler: a uuid one handler processed is new to another', async () => {
      const uuid = randomUUID();
      await store.complete(markOf(await store.begin({ handlerId: handler, uuid })));
      expect((await store.begin({ handlerId: otherHandler, uuid })).status).toBe('new');
      expect((await store.begin({ handlerId: handler, uuid })).status).toBe('duplicate');
    });

    it('forgets a released uuid, so a redelivery after a failure is processed', async () => {
      const uuid = randomUUID();
      await store.release(markOf(await store.begin({ handlerId: handler, uuid })));
      const again = await store.begin({ handlerId: handler, uuid });
      expect(again.status).toBe('new');
      await store.complete(markOf(again));
      expect((await store.begin({ handlerId: handler, uuid })).status).toBe('duplicate');
    });

    it('gives the mark to exactly one of many concurrent begins of one uuid', async () => {
      const uuid = randomUUID();
      const checks = await Promise.all(Array.from({ length: 20 }, () => store.begin({ handlerId: handler, uuid })));
      expect(checks.filter((check) => check.status === 'new')).toHaveLength(1);
      expect(checks.filter((check) => check.status === 'in-progress')).toHaveLength(19);
    });

    it('does not let an earlier holder drop the mark of the current one', async () => {
      const uuid = randomUUID();
      const first = markOf(await store.begin({ handlerId: handler, uuid }));
      await store.release(first);
      markOf(await store.begin({ handlerId: handler, uuid }));
      await store.release(first);
      expect(await store.begin({ handlerId: handler, uuid })).toEqual({ status: 'in-progress' });
    });

    it('tells many uuids apart', async () => {
      const uuids = Array.from({ length: 10 }, () => randomUUID());
      for (const uuid of uuids.slice(0, 5))
        await store.complete(markOf(await store.begin({ handlerId: handler, uuid })));
      const statuses = await Promise.all(
        uuids.map(async (uuid) => (await store.begin({ handlerId: handler, uuid })).status),
      );
      expect(statuses).toEqual([...Array(5).fill('duplicate'), ...Array(5).fill('new')]);
    });
  });
}
