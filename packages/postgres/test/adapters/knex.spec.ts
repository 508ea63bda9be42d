import { fromKnex } from '@smart-message/postgres';
import knex, { type Knex } from 'knex';
import { describeAdapterContract } from '../support/adapter-contract';
import { randomSchema, TEST_DATABASE_URL } from '../support/test-database';

const schema = randomSchema();
let db: Knex;

describeAdapterContract<Knex.Transaction>('knex', schema, {
  open: async () => {
    db = knex({ client: 'pg', connection: TEST_DATABASE_URL, pool: { min: 0, max: 2 } });
  },
  close: () => db.destroy(),
  transaction: (work) => db.transaction((trx) => work(trx)),
  writeOrder: async (trx, id) => {
    await trx
      .withSchema(schema)
      .insert({ id, note: `order ${id}` })
      .into('orders');
  },
  adapt: (trx) => fromKnex(trx),
  notTransactions: () => [{ name: 'the root knex instance', value: db }],
});
