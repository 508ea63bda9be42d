import { Injectable, Logger } from '@nestjs/common';
import { MessageBus, MessageContext, Subscribe } from '@smart-message/nestjs';
import { ActivityJournal } from '../activity/activity-journal';
import { Announcement } from '../broadcasts/messages/announcement.message';
import { CustomerNotice } from '../notifications/messages/customer-notice.message';
import { PaymentAuthorized } from './messages/payment-authorized.message';
import { PaymentRequested } from './messages/payment-requested.message';

/** Charges above this are declined: the sample's whole payment policy. */
export const PAYMENT_LIMIT_CENTS = 100_000;

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly journal: ActivityJournal,
  ) {}

  /** Request–reply: the message this returns goes back to the requester as the reply. */
  @Subscribe({ to: 'payments' })
  async authorize(request: PaymentRequested, context: MessageContext): Promise<PaymentAuthorized> {
    this.journal.record(context);
    const approved = request.totalCents <= PAYMENT_LIMIT_CENTS;
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
