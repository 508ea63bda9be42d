import { afterEach, beforeEach, describe, it } from '@jest/globals';
import { DeadLetterBoundsOptions, DeadLetterStore, MessageLogger } from '@smart-message/nestjs';
import { describeBoundsCases } from './cases/bounds.cases';
import { describeQueryCases } from './cases/query.cases';
import { describeRemovalCases } from './cases/removal.cases';
import { describeReplayCases } from './cases/replay.cases';
import { describeRoundTripCases } from './cases/round-trip.cases';
import { describeStatsCases } from './cases/stats.cases';
import { DeadLetterStoreContractOptions } from './dead-letter-store-contract-options';
import { DeadLetterStoreSuite } from './dead-letter-store-suite';

const DEFAULT_TEST_TIMEOUT_MS = 10_000;

/**
 * Registers the dead letter store contract (jest `describe`/`it`) for one store: upsert, get,
 * list with filters, order and paging, stats, remove and purge, replay through a real bus
 * (to the handler and through the memory transport), and the bounds in entries and bytes with
 * what they evict counted and logged. Every test gets a fresh store.
 */
export function describeDeadLetterStoreContract(name: string, options: DeadLetterStoreContractOptions): void {
  const timeout = options.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const destroy = options.destroyStore ?? ((store: DeadLetterStore) => store.close?.() ?? Promise.resolve());

  describe(`${name} dead letter store contract`, () => {
    let opened: DeadLetterStore[] = [];

    beforeEach(() => {
      opened = [];
    });

    afterEach(async () => {
      for (const store of opened.reverse()) await destroy(store);
    }, timeout);

    const fresh = async (bounds?: DeadLetterBoundsOptions): Promise<DeadLetterStore> => {
      const store = await (bounds === undefined ? options.createStore() : options.createStore(bounds));
      opened.push(store);
      return store;
    };

    const suite: DeadLetterStoreSuite = {
      test(title, body) {
        it(title, async () => body(await fresh()), timeout);
      },
      testReopened(title, body) {
        const { reopen } = options;
        if (!reopen) {
          it.skip(`${title} [needs reopen]`, () => undefined);
          return;
        }
        it(
          title,
          async () => {
            const store = await fresh();
            await body(store, async () => {
              const other = await reopen(store);
              opened.push(other);
              return other;
            });
          },
          timeout,
        );
      },
      testBounded(title, bounds, body) {
        it(
          title,
          async () => {
            const warnings: string[] = [];
            const logger: MessageLogger = {
              log: () => undefined,
              warn: (message) => void warnings.push(message),
              error: (message) => void warnings.push(message),
            };
            await body(await fresh({ ...bounds, logger }), warnings);
          },
          timeout,
        );
      },
      testBounds(title, body) {
        it(title, async () => body(async (bounds) => fresh(bounds)), timeout);
      },
    };

    describeRoundTripCases(suite);
    describeQueryCases(suite);
    describeStatsCases(suite);
    describeRemovalCases(suite);
    describeReplayCases(suite);
    describeBoundsCases(suite);
  });
}
