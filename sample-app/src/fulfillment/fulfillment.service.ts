import { Injectable, Logger } from '@nestjs/common';
import { MessageBus, MessageContext, Publishes, Subscribe } from '@smart-message/nestjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityJournal } from '../activity/activity-journal';
import { Announcement } from '../broadcasts/messages/announcement.message';
import { CustomerNotice } from '../notifications/messages/customer-notice.message';
import { OrderPlaced } from '../orders/messages/order-placed.message';
import { OrderShipped } from './messages/order-shipped.message';
import { UnknownSkuError } from './unknown-sku.error';
import { WarehouseCatalog } from './warehouse-catalog';

/**
 * Stands in for warehouse work. It also gives a shutdown right after an order a handler in
 * flight to wait for.
 */
const PACKING_TIME_MS = 30;

@Injectable()
@Publishes(OrderShipped, CustomerNotice)
export class FulfillmentService {
  private readonly logger = new Logger(FulfillmentService.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly journal: ActivityJournal,
    private readonly catalog: WarehouseCatalog,
  ) {}

  /**
   * Point-to-point: only orders addressed to fulfillment. An order for an article not on file
   * fails and lands in the dead letter queue, to be replayed once the article is added.
   */
  @Subscribe({ to: 'fulfillment' })
  async onOrderPlaced(order: OrderPlaced, context: MessageContext): Promise<void> {
    if (!this.catalog.knows(order.sku)) throw new UnknownSkuError(order.sku);
    this.journal.record(context);
    await sleep(PACKING_TIME_MS);
    const trackingNumber = `TRK-${order.orderId.slice(0, 8).toUpperCase()}`;
    // Published while handling OrderPlaced, so both carry its uuid as their causation.
    await this.bus.publish(
      Object.assign(new OrderShipped(), { orderId: order.orderId, trackingNumber } satisfies OrderShipped),
    );
    await this.bus.publish(
      Object.assign(new CustomerNotice(), {
        orderId: order.orderId,
        customerEmail: order.customerEmail,
        text: `Your order is on its way: ${trackingNumber}.`,
      } satisfies CustomerNotice),
      { from: 'fulfillment' },
    );
  }

  /** Addressed announcements only: fulfillment ignores broadcasts. */
  @Subscribe({ to: 'fulfillment' })
  onAnnouncement(announcement: Announcement, context: MessageContext): void {
    this.journal.record(context);
    this.logger.log(`Announcement for the warehouse (${announcement.severity}): ${announcement.text}`);
  }
}
