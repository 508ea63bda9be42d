import { Injectable, Logger } from '@nestjs/common';
import {
  Authorize,
  CircuitBreaker,
  MessageBus,
  MessageContext,
  Publishes,
  Retry,
  Subscribe,
} from '@smart-message/nestjs';
import { ActivityJournal } from '../activity/activity-journal';
import { Announcement } from '../broadcasts/messages/announcement.message';
import { CustomerNotice } from '../notifications/messages/customer-notice.message';
import { PaymentAuthorized } from './messages/payment-authorized.message';
import { PaymentGateway, PaymentGatewayTimeout } from './payment-gateway';
import { paymentRequestPolicy } from './payment-request.policy';
import { PaymentRequested } from './messages/payment-requested.message';

/** Charges above this are declined: the sample's whole payment policy. */
export const PAYMENT_LIMIT_CENTS = 100_000;

@Injectable()
@Publishes(CustomerNotice)
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly journal: ActivityJournal,
    private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Request–reply: the message this returns goes back to the requester as the reply. Provider
   * timeouts are retried with backoff; if the provider keeps failing, the circuit opens and
   * payments stop calling it for a while. Large requests from anyone but orders are refused
   * before any of that (see `paymentRequestPolicy`).
   */
  // An async handler's return type is a Promise: replyType names the reply for the catalog.
  @Subscribe({ to: 'payments', replyType: PaymentAuthorized })
  @Authorize(paymentRequestPolicy)
  // The decorator nearest the method wraps the others: each retry attempt passes the breaker.
  @CircuitBreaker({ threshold: 5, windowMs: 60_000, halfOpenAfterMs: 10_000 })
  @Retry({ attempts: 3, initialDelayMs: 50, maxDelayMs: 500, retryOn: [PaymentGatewayTimeout] })
  async authorize(request: PaymentRequested, context: MessageContext): Promise<PaymentAuthorized> {
    this.journal.record(context);
    const approved = request.totalCents <= PAYMENT_LIMIT_CENTS;
    if (approved) await this.gateway.charge(request.orderId, request.totalCents);
    const reason = approved ? undefined : `${request.totalCents} cents is over the limit of ${PAYMENT_LIMIT_CENTS}`;
    await this.bus.publish(
      Object.assign(new CustomerNotice(), {
        orderId: request.orderId,
        customerEmail: request.customerEmail,
        text: approved
          ? `Your payment of ${request.totalCents} cents went through.`
          : `Your payment failed: ${reason}.`,
      } satisfies CustomerNotice),
      { from: 'payments' },
    );
    return Object.assign(new PaymentAuthorized(), {
      orderId: request.orderId,
      approved,
      ...(reason === undefined ? {} : { reason }),
    } satisfies PaymentAuthorized);
  }

  /** Broadcasts, and announcements addressed to payments alone. */
  @Subscribe({ broadcast: true, to: 'payments' })
  onAnnouncement(announcement: Announcement, context: MessageContext): void {
    this.journal.record(context);
    this.logger.log(`Announcement (${announcement.severity}): ${announcement.text}`);
  }
}
