import { DeadLetterStore } from '@smart-message/nestjs';
import { RedisDeadLetterStore } from '@smart-message/redis';
import { describeDeadLetterStoreContract } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

const prefixes = new Map<DeadLetterStore, string>();

function storeAt(prefix: string): RedisDeadLetterStore {
  const store = new RedisDeadLetterStore({ prefix });
  prefixes.set(store, prefix);
  return store;
}

describeDeadLetterStoreContract('RedisDeadLetterStore', {
  createStore: () => storeAt(uniquePrefix('dead-letters')),
  reopen: (store) => storeAt(prefixes.get(store)!),
  destroyStore: async (store) => {
    await store.close?.();
    await deleteKeys(prefixes.get(store)!);
    prefixes.delete(store);
  },
});
