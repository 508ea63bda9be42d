import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromTypeOrm, TransactionRequiredError } from '@smart-message/postgres';
import { DataSource, EntitySchema, type EntityManager } from 'typeorm';
import { resolveTransaction } from '../../src/transaction/resolve-transaction';
import { describeAdapterContract, insertSideRow, notesOf } from '../support/adapter-contract';
import { randomSchema, TEST_DATABASE_URL } from '../support/test-database';

declare const expectedTypeormVersion: string;

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

describe('typeorm adapter with a QueryRunner', () => {
  let nextId = 500;

  it.each([
    ['commits', true],
    ['rolls back', false],
  ])('%s the user’s row and the adapter’s statement together, the runner passed as it is', async (_name, commit) => {
    const id = nextId++;
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.manager.insert(Order, { id, note: `order ${id}` });
      await insertSideRow(schema, resolveTransaction(runner), id, 'r');
      await insertSideRow(schema, fromTypeOrm(runner.manager), id + 1000, 'm');
      if (commit) await runner.commitTransaction();
      else await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    expect(await notesOf(schema, 'orders', id)).toEqual(commit ? [`order ${id}`] : []);
    expect(await notesOf(schema, 'side', id)).toEqual(commit ? ['r ?$1 r'] : []);
    expect(await notesOf(schema, 'side', id + 1000)).toEqual(commit ? ['m ?$1 m'] : []);
  });

  it('refuses a runner with no transaction started, as TypeORM’s and not as a pg client, writing nothing', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      expect(() => resolveTransaction(runner)).toThrow(/a TypeORM EntityManager with no transaction open/);
      expect(() => fromTypeOrm(runner.manager)).toThrow(TransactionRequiredError);
    } finally {
      await runner.release();
    }
  });
});

it('runs against the TypeORM its jest project names (1.x, or 0.3 through the typeorm-03 alias)', () => {
  // The package.json beside the main file jest resolved for `typeorm` (its exports map hides package.json).
  const packageJson = join(dirname(require.resolve('typeorm')), 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  expect(version.startsWith(expectedTypeormVersion)).toBe(true);
});
