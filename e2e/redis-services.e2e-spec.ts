import { StatisticsSnapshot } from '@smart-message/nestjs';
import { deleteKeys, streamEntries, uniquePrefix } from '../packages/redis/test/support/redis-keys';
import { ActivityEntry } from '../sample-app/src/activity/activity-entry.interface';
import { AnnouncementReceipt } from '../sample-app/src/broadcasts/announcement-receipt.interface';
import { OrderConfirmation } from '../sample-app/src/orders/order-confirmation.interface';
import { SERVICE_NAMES } from '../sample-app/src/services/service-name';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { settledCount } from './support/inspect-sample-app';
import { SampleServiceProcess } from './support/sample-service-process';

// Four child processes start in parallel; on a loaded machine each takes several seconds.
jest.setTimeout(120_000);

/** Delivery between processes; the bound only ends a failing test. */
const ACROSS_PROCESSES = { giveUpAfterMs: 30_000, pollIntervalMs: 50 };

const affordableOrder = { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250, customerEmail: 'ada@example.com' };
/** 2 x 60 000 cents is over the sample's payment limit of 100 000. */
const expensiveOrder = { sku: 'SOFA-9', quantity: 2, unitPriceCents: 60_000, customerEmail: 'bob@example.com' };

/** One handler call as a line that reads well in a failing diff. */
const describeEntry = ({ handlerId, messageClass, from, to }: ActivityEntry): string =>
  `${handlerId} <- ${messageClass} from ${from} to ${to ?? 'everyone'}`;

const countOf = (statistics: StatisticsSnapshot, messageClass: string, what: 'published' | 'received'): number =>
  statistics.messageTypes[messageClass]?.[what] ?? 0;

describe('sample app: each service in its own process over Redis', () => {
  const prefix = uniquePrefix('sample-app');
  const processes: SampleServiceProcess[] = [];
  let orders: SampleServiceProcess;
  let payments: SampleServiceProcess;
  let fulfillment: SampleServiceProcess;
  let notifications: SampleServiceProcess;

  beforeAll(async () => {
    const ports = await Promise.all(SERVICE_NAMES.map(() => freePort()));
    for (const [index, service] of SERVICE_NAMES.entries()) {
      processes.push(
        new SampleServiceProcess(service, ports[index], {
          SMART_MESSAGE_TRANSPORT: 'redis',
          SMART_MESSAGE_PREFIX: prefix,
          SERVICES: service,
          LOG_LEVEL: 'warn',
        }),
      );
    }
    [orders, payments, fulfillment, notifications] = processes;
    await Promise.all(processes.map((child) => child.ready()));
  });

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await deleteKeys(prefix, process.env.REDIS_URL);
  });

  /**
   * Notes how long every process's journal is now and returns what a process's handlers saw
   * since, sorted, so each test sees only its own messages.
   */
  async function markActivity(): Promise<(child: SampleServiceProcess) => Promise<string[]>> {
    const lengths = new Map(
      await Promise.all(processes.map(async (child) => [child, (await child.activity()).length] as const)),
    );
    return async (child) => (await child.activity()).slice(lengths.get(child)).map(describeEntry).sort();
  }

  it('an order placed on the orders process is paid by the payments process, then shipped and notified in theirs', async () => {
    const seenSince = await markActivity();
    const repliesReceived = countOf(await orders.statistics(), 'PaymentAuthorized', 'received');
    const repliesSent = countOf(await payments.statistics(), 'PaymentAuthorized', 'published');

    const { status, body } = await orders.post<OrderConfirmation>('/orders', affordableOrder);

    expect({ status, body }).toEqual({
      status: 201,
      body: { orderId: expect.any(String), status: 'placed', payment: { approved: true } },
    });
    // The request was handled in the payments process; its answer came back to orders over pub/sub.
    expect(await seenSince(payments)).toEqual([
      'PaymentsService.authorize <- PaymentRequested from orders to payments',
    ]);
    expect(countOf(await orders.statistics(), 'PaymentAuthorized', 'received')).toBe(repliesReceived + 1);
    await eventually(async () => {
      expect(countOf(await payments.statistics(), 'PaymentAuthorized', 'published')).toBe(repliesSent + 1);
      // Point-to-point over Streams: the fulfillment process alone.
      expect(await seenSince(fulfillment)).toEqual([
        'FulfillmentService.onOrderPlaced <- OrderPlaced from orders to fulfillment',
      ]);
      // The shipment is a broadcast: each service that takes broadcasts gets its copy.
      expect(await seenSince(orders)).toEqual([
        'OrdersService.onOrderShipped <- OrderShipped from fulfillment to everyone',
      ]);
      expect(await seenSince(notifications)).toEqual([
        'NotificationsService.addToDailyDigest <- CustomerNotice from fulfillment to everyone',
        'NotificationsService.addToDailyDigest <- CustomerNotice from orders to everyone',
        'NotificationsService.emailPaymentNotice <- CustomerNotice from payments to everyone',
        'NotificationsService.onOrderShipped <- OrderShipped from fulfillment to everyone',
      ]);
    }, ACROSS_PROCESSES);
    expect(await seenSince(payments)).toEqual([
      'PaymentsService.authorize <- PaymentRequested from orders to payments',
    ]);
    // The orders process marked the order shipped on the shipment from the fulfillment process.
    expect(await orders.get(`/orders/${body.orderId}`)).toEqual({ orderId: body.orderId, status: 'shipped' });
  });

  it('payment requests are encrypted in the stream: the customer e-mail never appears in Redis', async () => {
    const seenSince = await markActivity();
    const canary = `canary-${Date.now()}@example.com`;
    const { body } = await orders.post<OrderConfirmation>('/orders', { ...affordableOrder, customerEmail: canary });
    expect(body.payment).toEqual({ approved: true });
    // Let the order ship and its notices arrive here, so they do not land in the next test's window.
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

  it('a declined payment comes back from the payments process and orders sends nothing to fulfillment', async () => {
    const seenSince = await markActivity();
    const ordersPlaced = countOf(await orders.statistics(), 'OrderPlaced', 'published');

    const { status, body } = await orders.post<OrderConfirmation>('/orders', expensiveOrder);

    expect({ status, body }).toEqual({
      status: 201,
      body: {
        orderId: expect.any(String),
        status: 'declined',
        payment: { approved: false, reason: '120000 cents is over the limit of 100000' },
      },
    });
    expect(await seenSince(payments)).toEqual([
      'PaymentsService.authorize <- PaymentRequested from orders to payments',
    ]);
    expect(countOf(await orders.statistics(), 'OrderPlaced', 'published')).toBe(ordersPlaced);
    await eventually(async () => {
      expect(await seenSince(notifications)).toEqual([
        'NotificationsService.emailPaymentNotice <- CustomerNotice from payments to everyone',
      ]);
    }, ACROSS_PROCESSES);
    expect(await seenSince(fulfillment)).toEqual([]);
  });

  describe('announcements from the orders process, over pub/sub', () => {
    /** The process each Announcement handler runs in. */
    const announcementHandlers = (): [SampleServiceProcess, string][] => [
      [notifications, 'NotificationsService.onAnnouncement'], // { broadcast: true }
      [payments, 'PaymentsService.onAnnouncement'], // { broadcast: true, to: 'payments' }
      [fulfillment, 'FulfillmentService.onAnnouncement'], // { to: 'fulfillment' }
    ];

    const settledCounts = (): Promise<number[]> =>
      Promise.all(
        announcementHandlers().map(async ([child, handlerId]) => settledCount(await child.statistics(), handlerId)),
      );

    it.each([
      ['a broadcast', '', null, ['notifications', 'payments']],
      ['an announcement addressed to fulfillment', '?to=fulfillment', 'fulfillment', ['fulfillment']],
    ])('%s reaches exactly the processes whose handlers accept it', async (_case, query, to, reached) => {
      const seenSince = await markActivity();
      const settledBefore = await settledCounts();

      const response = await orders.post<AnnouncementReceipt>(`/broadcasts${query}`, { text: 'Inventory at noon' });

      expect(response).toEqual({ status: 201, body: { uuid: expect.any(String), from: 'orders', to } });
      // Every Announcement handler ran or filtered the message out, once.
      await eventually(async () => {
        expect(await settledCounts()).toEqual(settledBefore.map((count) => count + 1));
      }, ACROSS_PROCESSES);
      for (const [child, handlerId] of announcementHandlers()) {
        expect({ process: child.name, saw: await seenSince(child) }).toEqual({
          process: child.name,
          saw: reached.includes(child.name) ? [`${handlerId} <- Announcement from orders to ${to ?? 'everyone'}`] : [],
        });
      }
      expect(await seenSince(orders)).toEqual([]);
    });
  });
});
