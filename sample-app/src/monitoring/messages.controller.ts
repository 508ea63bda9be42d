import { Controller, Get } from '@nestjs/common';
import { MessageCatalog, MessageStatistics, MessageTypeDescription, StatisticsSnapshot } from '@smart-message/nestjs';

/** What the bus knows about itself: the message types it carries and what happened to them. */
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly statistics: MessageStatistics,
    private readonly catalog: MessageCatalog,
  ) {}

  @Get('stats')
  stats(): StatisticsSnapshot {
    return this.statistics.snapshot();
  }

  @Get('catalog')
  list(): MessageTypeDescription[] {
    return this.catalog.list();
  }
}
