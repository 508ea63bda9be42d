import { StatisticsSnapshot } from '@smart-message/nestjs';
import { ActivityEntry } from '../../sample-app/src/activity/activity-entry.interface';
import { AnnouncementReceipt } from '../../sample-app/src/broadcasts/announcement-receipt.interface';
import { OrderConfirmation } from '../../sample-app/src/orders/order-confirmation.interface';
import { SERVICE_NAMES } from '../../sample-app/src/services/service-name';
import { eventually } from './eventually';
import { freePort } from './free-port';
import { settledCount } from './inspect-sample-app';
import { SampleServiceProcess } from './sample-service-process';

/** Delivery between processes; the bound only ends a failing test. */
export const ACROSS_PROCESSES = { giveUpAfterMs: 30_000, pollIntervalMs: 50 };

export const affordableOrder = { sku: 'MUG-01', quantity: 2, unitPriceCents: 1250, customerEmail: 'ada@example.com' };
/** 2 x 60 000 cents is over the sample's payment limit of 100 000. */
export const expensiveOrder = { sku: 'SOFA-9', quantity: 2, unitPriceCents: 60_000, customerEmail: 'bob@example.com' };

/** One handler call as a line that reads well in a failing diff. */
const describeEntry = ({ handlerId, messageClass, from, to }: ActivityEntry): string =>
  `${handlerId} <- ${messageClass} from ${from} to ${to ?? 'everyone'}`;

export const countOf = (statistics: StatisticsSnapshot, messageClass: string, what: 'published' | 'received'): number =>
  statistics.messageTypes[messageClass]?.[what] ?? 0;

/**
 * Orders, payments, fulfillment and notifications, each in a child process of its own, all with
 * the environment of one messaging mode. Every broker mode's e2e spec runs the same shop.
 */
export class ShopAcrossProcesses {
  private constructor(readonly processes: readonly SampleServiceProcess[]) {}

  /** Starts the four services in parallel and resolves once each answers HTTP (its bus has subscribed). */
  static async start(env: Record<string, string>): Promise<ShopAcrossProcesses> {
    const ports = await Promise.all(SERVICE_NAMES.map(() => freePort()));
    const shop = new ShopAcrossProcesses(
      SERVICE_NAMES.map(
        (service, index) =>
          new SampleServiceProcess(service, ports[index], { LOG_LEVEL: 'warn', ...env, SERVICES: service }),
      ),
    );
    try {
      await Promise.all(shop.processes.map((child) => child.ready()));
    } catch (error) {
      await shop.stop();
      throw error;
    }
    return shop;
  }

  get orders(): SampleServiceProcess {
    return this.processes[SERVICE_NAMES.indexOf('orders')];
  }

  get payments(): SampleServiceProcess {
    return this.processes[SERVICE_NAMES.indexOf('payments')];
  }

  get fulfillment(): SampleServiceProcess {
    return this.processes[SERVICE_NAMES.indexOf('fulfillment')];
  }

  get notifications(): SampleServiceProcess {
    return this.processes[SERVICE_NAMES.indexOf('notifications')];
  }

  stop(): Promise<unknown> {
    return Promise.all(this.processes.map((child) => child.stop()));
  }

  /**
   * Notes how long every process's journal is now and returns what a process's handlers saw
   * since, sorted, so each test sees only its own messages.
   */
  async markActivity(): Promise<(child: SampleServiceProcess) => Promise<string[]>> {
    const lengths = new Map(
      await Promise.all(this.processes.map(async (child) => [child, (await child.activity()).length] as const)),
    );
    return async (child) => (await child.activity()).slice(lengths.get(child)).map(describeEntry).sort();
  }
}

/**
 * The conversation of the shop across its processes, the same in every mode: an order paid by
 * request–reply, shipped and notified; a declined one; announcements to everyone or to one
 * service. `shop` is read when each test runs, after the spec's `beforeAll` started it.
 */
export function itRunsTheShopAcrossProcesses(shop: () => ShopAcrossProcesses): void {
  it('an order placed on the orders process is paid by the payments process, then shipped and notified in theirs', async () => {
    const { orders, payments, fulfillment, notifications } = shop();
    const seenSince = await shop().markActivity();
    const repliesReceived = countOf(await orders.statistics(), 'PaymentAuthorized', 'received');
    const repliesSent = countOf(await payments.statistics(), 'PaymentAuthorized', 'published');

    const { status, body } = await orders.post<OrderConfirmation>('/orders', affordableOrder);

    expect({ status, body }).toEqual({
      status: 201,
      body: { orderId: expect.any(String), status: 'placed', payment: { approved: true } },
    });
    // The request was handled in the payments process; its answer came back to orders on the broadcast transport.
    expect(await seenSince(payments)).toEqual([
      'PaymentsService.authorize <- PaymentRequested from orders to payments',
    ]);
    expect(countOf(await orders.statistics(), 'PaymentAuthorized', 'received')).toBe(repliesReceived + 1);
    await eventually(async () => {
      expect(countOf(await payments.statistics(), 'PaymentAuthorized', 'published')).toBe(repliesSent + 1);
      // Point-to-point on the durable transport: the fulfillment process alone.
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

  it('a declined payment comes back from the payments process and orders sends nothing to fulfillment', async () => {
    const { orders, payments, fulfillment, notifications } = shop();
    const seenSince = await shop().markActivity();
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

  describe('announcements from the orders process, on the broadcast transport', () => {
    /** The process each Announcement handler runs in. */
    const announcementHandlers = (): [SampleServiceProcess, string][] => [
      [shop().notifications, 'NotificationsService.onAnnouncement'], // { broadcast: true }
      [shop().payments, 'PaymentsService.onAnnouncement'], // { broadcast: true, to: 'payments' }
      [shop().fulfillment, 'FulfillmentService.onAnnouncement'], // { to: 'fulfillment' }
    ];

    const settledCounts = (): Promise<number[]> =>
      Promise.all(
        announcementHandlers().map(async ([child, handlerId]) => settledCount(await child.statistics(), handlerId)),
      );

    it.each([
      ['a broadcast', '', null, ['notifications', 'payments']],
      ['an announcement addressed to fulfillment', '?to=fulfillment', 'fulfillment', ['fulfillment']],
    ])('%s reaches exactly the processes whose handlers accept it', async (_case, query, to, reached) => {
      const seenSince = await shop().markActivity();
      const settledBefore = await settledCounts();

      const response = await shop().orders.post<AnnouncementReceipt>(`/broadcasts${query}`, {
        text: 'Inventory at noon',
      });

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
      expect(await seenSince(shop().orders)).toEqual([]);
    });
  });
}
