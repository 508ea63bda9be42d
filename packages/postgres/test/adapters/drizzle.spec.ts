import { fromDrizzle } from '@smart-message/postgres';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';
import { describeAdapterContract } from '../support/adapter-contract';
import { randomSchema, TEST_DATABASE_URL } from '../support/test-database';

const schema = randomSchema();
const orders = pgSchema(schema).table('orders', { id: integer().primaryKey(), note: text().notNull() });
type Transaction = Parameters<Parameters<NodePgDatabase['transaction']>[0]>[0];
let pool: Pool;
let db: NodePgDatabase;

describeAdapterContract<Transaction>('drizzle', schema, {
  open: async () => {
    pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    db = drizzle(pool);
  },
  close: () => pool.end(),
  // A nested transaction (a savepoint) is a Drizzle transaction too; the outer one decides.
  transaction: (work) => db.transaction((tx) => work(tx)),
  writeOrder: async (tx, id) => {
    await tx.insert(orders).values({ id, note: `order ${id}` });
  },
  adapt: (tx) => fromDrizzle(tx),
  notTransactions: () => [{ name: 'the root Drizzle db', value: db }],
});
