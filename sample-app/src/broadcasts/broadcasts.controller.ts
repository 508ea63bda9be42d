import { Body, Controller, Post, Query } from '@nestjs/common';
import { MessageBus, Publishes } from '@smart-message/nestjs';
import { AnnouncementReceipt } from './announcement-receipt.interface';
import { Announcement } from './messages/announcement.message';

@Controller('broadcasts')
@Publishes(Announcement)
export class BroadcastsController {
  constructor(private readonly bus: MessageBus) {}

  /**
   * Publishes the body as an `Announcement`: a broadcast, unless `?to=` names one entity.
   * The body is validated as the message itself, so an invalid one is refused before publishing.
   */
  @Post()
  async announce(@Body() announcement: Announcement, @Query('to') to?: string): Promise<AnnouncementReceipt> {
    const header = await this.bus.publish(announcement, to === undefined ? {} : { to });
    return { uuid: header.uuid, from: header.from, to: header.to ?? null };
  }
}
