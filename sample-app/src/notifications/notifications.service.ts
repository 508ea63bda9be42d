import { Injectable, Logger } from '@nestjs/common';
import { MessageContext, Subscribe } from '@smart-message/nestjs';
import { ActivityJournal } from '../activity/activity-journal';
import { Announcement } from '../broadcasts/messages/announcement.message';
import { OrderShipped } from '../fulfillment/messages/order-shipped.message';
import { CustomerNotice } from './messages/customer-notice.message';

/** Talks to customers. Which handler a notice reaches depends on who sent it. */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(private readonly journal: ActivityJournal) {}

  /** Money matters go out at once: notices from any payments entity. */
  @Subscribe({ from: /^payments/ })
  emailPaymentNotice(notice: CustomerNotice, context: MessageContext): void {
    this.journal.record(context);
    this.logger.log(`Email to ${notice.customerEmail}: ${notice.text}`);
  }

  /** Everything else waits for the daily digest. */
  @Subscribe({ from: ['orders', /^fulfil/] })
  addToDailyDigest(notice: CustomerNotice, context: MessageContext): void {
    this.journal.record(context);
    this.logger.log(`Digest for ${notice.customerEmail} (from ${context.header.from}): ${notice.text}`);
  }

  @Subscribe({ broadcast: true })
  onOrderShipped(shipment: OrderShipped, context: MessageContext): void {
    this.journal.record(context);
    this.logger.log(`Tracking page updated for order ${shipment.orderId}: ${shipment.trackingNumber}`);
  }

  /** Broadcasts only: an announcement addressed to one service is not for customers. */
  @Subscribe({ broadcast: true })
  onAnnouncement(announcement: Announcement, context: MessageContext): void {
    this.journal.record(context);
    this.logger.log(`Banner (${announcement.severity}): ${announcement.text}`);
  }
}
