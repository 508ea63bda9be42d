import { fromTypeOrm } from '@smart-message/postgres';
import { DataSource, EntitySchema, type EntityManager } from 'typeorm';
import { describeAdapterContract } from '../support/adapter-contract';
import { randomSchema, TEST_DATABASE_URL } from '../support/test-database';

const schema = randomSchema();
const Order = new EntitySchema<{ id: number; note: string }>({
  name: 'Order',
  tableName: 'orders',
  schema,
  columns: { id: { type: Number, primary: true }, note: { type: String } },
});
let dataSource: DataSource;

describeAdapterContract<EntityManager>('typeorm', schema, {
  open: async () => {
    dataSource = new DataSource({ type: 'postgres', url: TEST_DATABASE_URL, entities: [Order], poolSize: 2 });
    await dataSource.initialize();
  },
  close: () => dataSource.destroy(),
  transaction: (work) => dataSource.transaction((manager) => work(manager)),
  writeOrder: async (manager, id) => {
    await manager.insert(Order, { id, note: `order ${id}` });
  },
  adapt: (manager) => fromTypeOrm(manager),
  notTransactions: () => [
    { name: 'the DataSource', value: dataSource },
    { name: 'dataSource.manager', value: dataSource.manager },
    { name: 'a query runner’s manager before startTransaction', value: dataSource.createQueryRunner().manager },
  ],
});
