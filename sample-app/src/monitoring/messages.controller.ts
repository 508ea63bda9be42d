import { Controller, Get } from '@nestjs/common';
import {
  CircuitBreakerRegistry,
  CircuitStatistics,
  MessageCatalog,
  MessageStatistics,
  MessageTypeDescription,
  StatisticsSnapshot,
} from '@smart-message/nestjs';

/** What the bus knows about itself: the message types it carries and what happened to them. */
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly statistics: MessageStatistics,
    private readonly catalog: MessageCatalog,
    private readonly circuits: CircuitBreakerRegistry,
  ) {}

  @Get('stats')
  stats(): StatisticsSnapshot {
    return this.statistics.snapshot();
  }

  /** Every circuit breaker with its state and how often it opened, half-opened, closed and refused. */
  @Get('circuits')
  circuitStatistics(): CircuitStatistics[] {
    return this.circuits.statistics();
  }

  @Get('catalog')
  list(): MessageTypeDescription[] {
    return this.catalog.list();
  }
}
