import { DeadLetterBoundsOptions, DeadLetterStore } from '@smart-message/nestjs';
import { RedisDeadLetterStore } from '@smart-message/redis';
import { describeDeadLetterStoreContract } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

const prefixes = new Map<DeadLetterStore, string>();

function storeAt(prefix: string, bounds: DeadLetterBoundsOptions = {}): RedisDeadLetterStore {
  const store = new RedisDeadLetterStore({ ...bounds, prefix });
  prefixes.set(store, prefix);
  return store;
}

describeDeadLetterStoreContract('RedisDeadLetterStore', {
  createStore: (bounds) => storeAt(uniquePrefix('dead-letters'), bounds),
  reopen: (store) => storeAt(prefixes.get(store)!),
  destroyStore: async (store) => {
    await store.close?.();
    await deleteKeys(prefixes.get(store)!);
    prefixes.delete(store);
  },
});
