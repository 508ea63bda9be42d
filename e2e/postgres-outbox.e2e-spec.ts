import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { deleteKeys, uniquePrefix } from '../packages/redis/test/support/redis-keys';
import { OrderConfirmation } from '../sample-app/src/orders/order-confirmation.interface';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { SampleServiceProcess } from './support/sample-service-process';

// Two boots of the whole shop in a child process; on a loaded machine each takes several seconds.
jest.setTimeout(180_000);

const DATABASE_URL = process.env.SMART_MESSAGE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACROSS_PROCESSES = { giveUpAfterMs: 30_000, pollIntervalMs: 100 };
const affordableOrder = { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250, customerEmail: 'ada@example.com' };

async function query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

describe('sample app in postgres mode: an order and its OrderPlaced commit together', () => {
  const prefix = uniquePrefix('sample-outbox');
  const schema = `sm_e2e_${randomBytes(6).toString('hex')}`;
  const processes: SampleServiceProcess[] = [];

  const shop = async (relay: boolean): Promise<SampleServiceProcess> => {
    const child = new SampleServiceProcess(`shop (relay ${relay ? 'on' : 'off'})`, await freePort(), {
      SMART_MESSAGE_TRANSPORT: 'postgres',
      SMART_MESSAGE_PREFIX: prefix,
      SMART_MESSAGE_SCHEMA: schema,
      SMART_MESSAGE_OUTBOX_RELAY: String(relay),
      DATABASE_URL,
      LOG_LEVEL: 'warn',
    });
    processes.push(child);
    await child.ready();
    return child;
  };

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await deleteKeys(prefix, process.env.REDIS_URL);
    await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('delivers the OrderPlaced of an order committed before a crash once the shop is back, with its uuid', async () => {
    // The first process stores and never relays: it is killed between commit and relay.
    const first = await shop(false);
    const placed = await first.post<OrderConfirmation>('/orders', affordableOrder);
    expect(placed).toMatchObject({ status: 201, body: { status: 'placed' } });
    const { orderId } = placed.body;
    expect(await query(`SELECT sku FROM "${schema}".orders WHERE order_id = $1`, [orderId])).toEqual([
      { sku: 'MUG-01' },
    ]);
    const stored = await query<{ uuid: string; message_class: string; destination: string }>(
      `SELECT uuid, message_class, destination FROM "${schema}".outbox`,
    );
    expect(stored).toEqual([{ uuid: expect.any(String), message_class: 'OrderPlaced', destination: 'durable' }]);
    await first.kill();

    const second = await shop(true);
    const handled = await eventually(async () => {
      const entries = (await second.activity()).filter((entry) => entry.messageClass === 'OrderPlaced');
      expect(entries).toHaveLength(1);
      return entries;
    }, ACROSS_PROCESSES);
    expect(handled).toEqual([
      expect.objectContaining({ handlerId: 'FulfillmentService.onOrderPlaced', uuid: stored[0].uuid }),
    ]);
    await eventually(async () => {
      expect(await query(`SELECT uuid FROM "${schema}".outbox`)).toEqual([]);
    }, ACROSS_PROCESSES);
  });
});
