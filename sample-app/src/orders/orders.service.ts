import { Injectable } from '@nestjs/common';
import { MessageBus, MessageContext, Publishes, Subscribe } from '@smart-message/nestjs';
import { randomUUID } from 'node:crypto';
import { ActivityJournal } from '../activity/activity-journal';
import { BoundedMap } from '../common/bounded-map';
import { SampleLimits } from '../common/sample-limits';
import { OrderShipped } from '../fulfillment/messages/order-shipped.message';
import { CustomerNotice } from '../notifications/messages/customer-notice.message';
import { PaymentAuthorized } from '../payments/messages/payment-authorized.message';
import { PaymentRequested } from '../payments/messages/payment-requested.message';
import { OrderPlaced } from './messages/order-placed.message';
import { OrderConfirmation } from './order-confirmation.interface';
import { OrderStatus } from './order-status.type';
import { PlaceOrderRequest } from './place-order.request';
import { OrdersTable } from './orders-table';

/** The HTTP client waits for the payment answer, so it must come quickly or not at all. */
const PAYMENT_TIMEOUT_MS = 2000;

@Injectable()
// What orders sends, for the AsyncAPI document at GET /messages/asyncapi.json.
@Publishes({ type: PaymentRequested, replyType: PaymentAuthorized }, OrderPlaced, CustomerNotice)
export class OrdersService {
  /** Stands in for the orders database; the oldest orders are forgotten past `SampleLimits.orders`. */
  private readonly statuses: BoundedMap<string, OrderStatus>;

  constructor(
    private readonly bus: MessageBus,
    private readonly journal: ActivityJournal,
    private readonly table: OrdersTable,
    limits: SampleLimits,
  ) {
    this.statuses = new BoundedMap(limits.orders);
  }

  /** Asks payments first; only a paid order goes to fulfillment. */
  async place(request: PlaceOrderRequest): Promise<OrderConfirmation> {
    const orderId = randomUUID();
    const totalCents = request.quantity * request.unitPriceCents;
    const payment = await this.bus.request(
      Object.assign(new PaymentRequested(), {
        orderId,
        customerEmail: request.customerEmail,
        totalCents,
      } satisfies PaymentRequested),
      { replyType: PaymentAuthorized, timeoutMs: PAYMENT_TIMEOUT_MS },
    );
    const outcome = { approved: payment.approved, ...(payment.reason === undefined ? {} : { reason: payment.reason }) };
    if (!payment.approved) {
      this.statuses.set(orderId, 'declined');
      return { orderId, status: 'declined', payment: outcome };
    }

    const placed = Object.assign(new OrderPlaced(), {
      orderId,
      sku: request.sku,
      quantity: request.quantity,
      totalCents,
      currency: 'EUR',
      customerEmail: request.customerEmail,
    } satisfies OrderPlaced);
    // In postgres mode the order row and its OrderPlaced commit together: the outbox holds the
    // message in the same transaction, and its relay sends it after commit, even after a crash.
    if (this.table.enabled) await this.table.insert(placed, (transaction) => this.bus.publish(placed, { transaction }));
    else await this.bus.publish(placed);
    this.statuses.set(orderId, 'placed');
    await this.bus.publish(
      Object.assign(new CustomerNotice(), {
        orderId,
        customerEmail: request.customerEmail,
        text: `We received your order for ${request.quantity} x ${request.sku}.`,
      } satisfies CustomerNotice),
      { from: 'orders' },
    );
    return { orderId, status: 'placed', payment: outcome };
  }

  statusOf(orderId: string): OrderStatus | undefined {
    return this.statuses.get(orderId);
  }

  /** No filter: orders wants every shipment, broadcast or not. */
  @Subscribe()
  onOrderShipped(shipment: OrderShipped, context: MessageContext): void {
    this.journal.record(context);
    if (this.statuses.has(shipment.orderId)) this.statuses.set(shipment.orderId, 'shipped');
  }
}
