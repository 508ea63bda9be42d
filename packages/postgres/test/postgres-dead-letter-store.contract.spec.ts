import { DeadLetterBoundsOptions, DeadLetterStore } from '@smart-message/nestjs';
import { PostgresDeadLetterStore } from '@smart-message/postgres';
import { describeDeadLetterStoreContract } from '@smart-message/testing';
import { dropSchema, randomSchema, TEST_DATABASE_URL } from './support/test-database';

const schemas = new Map<DeadLetterStore, string>();

function storeIn(schema: string, bounds: DeadLetterBoundsOptions = {}): PostgresDeadLetterStore {
  const store = new PostgresDeadLetterStore({ ...bounds, connectionString: TEST_DATABASE_URL, schema });
  schemas.set(store, schema);
  return store;
}

describeDeadLetterStoreContract('PostgresDeadLetterStore', {
  createStore: (bounds) => storeIn(randomSchema(), bounds),
  reopen: (store) => storeIn(schemas.get(store)!),
  destroyStore: async (store) => {
    await store.close?.();
    await dropSchema(schemas.get(store)!);
    schemas.delete(store);
  },
});
