import { PrismaPg } from '@prisma/adapter-pg';
import { fromPrisma } from '@smart-message/postgres';
import { join } from 'node:path';
import { describeAdapterContract } from '../support/adapter-contract';
import { generatePrismaClient } from '../support/generate-prisma-client';
import { randomSchema, TEST_DATABASE_URL } from '../support/test-database';

const schema = randomSchema();

/** The slice of the generated client the cases use (the generated types live in a temporary folder). */
interface OrdersClient {
  order: { create(args: { data: { id: number; note: string } }): Promise<unknown> };
  $queryRawUnsafe(query: string, ...values: unknown[]): Promise<unknown>;
}
interface RootClient extends OrdersClient {
  $transaction<T>(work: (tx: OrdersClient) => Promise<T>): Promise<T>;
  $disconnect(): Promise<void>;
}

let prisma: RootClient;
let removeGenerated: () => void = () => undefined;

describeAdapterContract<OrdersClient>('prisma', schema, {
  open: async () => {
    const generated = await generatePrismaClient(`
      generator client {
        provider     = "prisma-client"
        output       = "./generated"
        moduleFormat = "cjs"
      }
      datasource db {
        provider = "postgresql"
      }
      model Order {
        id   Int    @id
        note String
        @@map("orders")
      }
    `);
    removeGenerated = generated.remove;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaClient } = require(join(generated.dir, 'generated/client.ts')) as {
      PrismaClient: new (options: { adapter: PrismaPg }) => RootClient;
    };
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: TEST_DATABASE_URL, max: 2 }, { schema }) });
  },
  close: async () => {
    await prisma?.$disconnect();
    removeGenerated();
  },
  transaction: (work) => prisma.$transaction((tx) => work(tx)),
  writeOrder: async (tx, id) => {
    await tx.order.create({ data: { id, note: `order ${id}` } });
  },
  adapt: (tx) => fromPrisma(tx),
  notTransactions: () => [{ name: 'the root PrismaClient', value: prisma }],
});
