import { EntitySchema, type EntityManager } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { fromMikroOrm } from '@smart-message/postgres';
import { describeAdapterContract } from '../support/adapter-contract';
import { randomSchema, TEST_DATABASE_URL } from '../support/test-database';

const schema = randomSchema();
const Order = new EntitySchema<{ id: number; note: string }>({
  name: 'Order',
  tableName: 'orders',
  schema,
  properties: { id: { type: 'number', primary: true }, note: { type: 'string' } },
});
let orm: MikroORM;

describeAdapterContract<EntityManager>('mikro-orm', schema, {
  open: async () => {
    orm = await MikroORM.init({ clientUrl: TEST_DATABASE_URL, entities: [Order], pool: { min: 0, max: 2 } });
  },
  close: () => orm.close(true),
  transaction: (work) => orm.em.fork().transactional((em) => work(em)),
  writeOrder: async (em, id) => {
    await em.insert(Order, { id, note: `order ${id}` });
  },
  adapt: (em) => fromMikroOrm(em),
  notTransactions: () => [
    { name: 'the global EntityManager', value: orm.em },
    { name: 'a fork outside a transaction', value: orm.em.fork() },
  ],
});
