import { deleteKeys, streamEntries, uniquePrefix } from '../packages/redis/test/support/redis-keys';
import { OrderConfirmation } from '../sample-app/src/orders/order-confirmation.interface';
import { eventually } from './support/eventually';
import {
  ACROSS_PROCESSES,
  affordableOrder,
  itRunsTheShopAcrossProcesses,
  ShopAcrossProcesses,
} from './support/shop-across-processes';

// Four child processes start in parallel; on a loaded machine each takes several seconds.
jest.setTimeout(120_000);

describe('sample app: each service in its own process over Redis', () => {
  const prefix = uniquePrefix('sample-app');
  let shop: ShopAcrossProcesses | undefined;
  const started = (): ShopAcrossProcesses => {
    if (!shop) throw new Error('the shop did not start (see beforeAll)');
    return shop;
  };

  beforeAll(async () => {
    shop = await ShopAcrossProcesses.start({ SMART_MESSAGE_TRANSPORT: 'redis', SMART_MESSAGE_PREFIX: prefix });
  });

  afterAll(async () => {
    await shop?.stop();
    await deleteKeys(prefix, process.env.REDIS_URL);
  });

  itRunsTheShopAcrossProcesses(started);

  it('payment requests are encrypted in the stream: the customer e-mail never appears in Redis', async () => {
    const { orders, notifications } = started();
    const seenSince = await started().markActivity();
    const canary = `canary-${Date.now()}@example.com`;
    const { body } = await orders.post<OrderConfirmation>('/orders', { ...affordableOrder, customerEmail: canary });
    expect(body.payment).toEqual({ approved: true });
    // Let the order ship and its notices arrive here, so they do not land in a later test's window.
    await eventually(async () => {
      expect(await orders.get(`/orders/${body.orderId}`)).toEqual({ orderId: body.orderId, status: 'shipped' });
      expect(await seenSince(notifications)).toHaveLength(4);
    }, ACROSS_PROCESSES);

    const entries = (await streamEntries(`${prefix}PaymentRequested`, process.env.REDIS_URL)).map((fields) =>
      fields.join('\n'),
    );
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry).toContain('"smserializer":"json+a256gcm"');
    expect(entries.join('\n')).not.toContain(canary);
  });
});
