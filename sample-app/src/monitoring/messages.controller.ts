import { Controller, Get, Header } from '@nestjs/common';
import {
  AsyncApiDocument,
  CircuitBreakerRegistry,
  CircuitStatistics,
  MessageCatalog,
  MessageStatistics,
  MessageTypeDescription,
  StatisticsSnapshot,
} from '@smart-message/nestjs';
import { ASYNCAPI_PAGE } from './asyncapi-page';

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

  /** The catalog as an AsyncAPI 3.0.0 document: what this process sends and handles. */
  @Get('asyncapi.json')
  asyncApi(): AsyncApiDocument {
    return this.catalog.toAsyncApi({
      title: 'SmartMessage sample shop',
      version: '0.1.0',
      license: { name: 'MIT' },
    });
  }

  /** The same document as a page to read: no script or style from anywhere but the page itself. */
  @Get('asyncapi')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
  )
  asyncApiPage(): string {
    return ASYNCAPI_PAGE;
  }
}
