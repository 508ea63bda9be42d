import 'reflect-metadata';
import { INestApplication, Injectable, Logger as NestLogger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { Logger, LoggerModule, PinoLogger } from 'nestjs-pino';
import { Message, MessageBus, SmartMessageModule, Subscribe } from '@smart-message/nestjs';
import { withPinoLogging } from '@smart-message/pino';
import { waitFor } from '@smart-message/testing';
import { CapturedLog, LEVEL, LogRecord } from './support/captured-log';
import { duplicateKeys } from './support/duplicate-keys';

@Message({ from: 'shop' })
class OrderPlaced {
  @IsString() orderId = '';
}

@Message({ from: 'billing' })
class InvoiceRequested {
  @IsString() orderId = '';
}

const order = (orderId: string): OrderPlaced => Object.assign(new OrderPlaced(), { orderId });

/** Holds the handler of one order until the test lets it go on. */
class Gates {
  private readonly waiting = new Map<string, () => void>();
  private readonly passed = new Map<string, Promise<void>>();

  hold(orderId: string): void {
    this.passed.set(orderId, new Promise((resolve) => this.waiting.set(orderId, resolve)));
  }

  release(orderId: string): void {
    this.waiting.get(orderId)?.();
  }

  async pass(orderId: string): Promise<void> {
    await this.passed.get(orderId);
  }
}

@Injectable()
class Billing {
  readonly gates = new Gates();
  private readonly nestLogger = new NestLogger('BillingNest');

  constructor(
    private readonly logger: PinoLogger,
    private readonly bus: MessageBus,
  ) {
    logger.setContext(Billing.name);
  }

  @Subscribe()
  async onOrder(placed: OrderPlaced): Promise<void> {
    this.logger.info({ orderId: placed.orderId }, 'billing order');
    await this.gates.pass(placed.orderId);
    this.nestLogger.log(`order ${placed.orderId} billed`);
    await this.bus.publish(Object.assign(new InvoiceRequested(), { orderId: placed.orderId }));
  }

  @Subscribe()
  onInvoice(invoice: InvoiceRequested): void {
    this.logger.info({ orderId: invoice.orderId }, 'invoice requested');
  }

  /** Called outside any handler. */
  report(): void {
    this.logger.info('daily report');
  }
}

/** One application for the file: nestjs-pino keeps its root logger for the whole process. */
const log = new CapturedLog();

describe('correlation binding: the handled message on every line a handler writes', () => {
  let app: INestApplication;
  let bus: MessageBus;
  let billing: Billing;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggerModule.forRoot({ pinoHttp: [{ level: 'debug' }, log] }),
        SmartMessageModule.forRootAsync(withPinoLogging({ useFactory: () => ({ entity: 'billing' }) })),
      ],
      providers: [Billing],
    }).compile();
    app = moduleRef.createNestApplication();
    // Nest's own Logger, as the handler's `NestLogger` uses it, then writes through nestjs-pino.
    app.useLogger(app.get(Logger));
    await app.init();
    bus = app.get(MessageBus);
    billing = app.get(Billing);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => log.clear());

  const linesAbout = (orderId: string): LogRecord[] =>
    log.records().filter((record) => record.orderId === orderId || String(record.msg).includes(`order ${orderId} `));

  const invoiced = (orderId: string): Promise<void> =>
    waitFor(
      () => log.withMessage('invoice requested').some((record) => record.orderId === orderId),
      `the invoice of ${orderId}`,
    );

  it("binds correlationId, uuid, messageClass and handler to the handler's PinoLogger and Nest Logger lines", async () => {
    const header = await bus.publish(order('o-1'), { correlationId: 'checkout-17' });
    await invoiced('o-1');

    const binding = {
      correlationId: 'checkout-17',
      uuid: header.uuid,
      messageClass: 'OrderPlaced',
      handler: 'Billing.onOrder',
    };
    expect(log.withMessage('billing order')).toEqual([
      expect.objectContaining({ level: LEVEL.info, context: 'Billing', orderId: 'o-1', ...binding }),
    ]);
    expect(log.withMessage('order o-1 billed')).toEqual([
      expect.objectContaining({ level: LEVEL.info, context: 'BillingNest', ...binding }),
    ]);
  });

  it('binds the uuid as correlationId when the message starts a conversation', async () => {
    const header = await bus.publish(order('o-2'));
    await invoiced('o-2');

    expect(log.withMessage('billing order')).toEqual([
      expect.objectContaining({ correlationId: header.uuid, uuid: header.uuid, handler: 'Billing.onOrder' }),
    ]);
  });

  it('keeps two messages handled at the same time apart', async () => {
    billing.gates.hold('a');
    billing.gates.hold('b');
    const first = await bus.publish(order('a'), { correlationId: 'conversation-a' });
    const second = await bus.publish(order('b'), { correlationId: 'conversation-b' });
    await waitFor(() => log.withMessage('billing order').length === 2, 'both handlers to be running');

    // Released in the opposite order, so each handler resumes while the other is suspended.
    billing.gates.release('b');
    await invoiced('b');
    billing.gates.release('a');
    await invoiced('a');

    for (const [orderId, header, correlationId] of [
      ['a', first, 'conversation-a'],
      ['b', second, 'conversation-b'],
    ] as const) {
      const lines = linesAbout(orderId);
      expect(lines.map((line) => line.msg)).toEqual(['billing order', `order ${orderId} billed`, 'invoice requested']);
      for (const line of lines) expect(line.correlationId).toBe(correlationId);
      expect(lines.filter((line) => line.handler === 'Billing.onOrder').map((line) => line.uuid)).toEqual([
        header.uuid,
        header.uuid,
      ]);
    }
  });

  it("carries the conversation's correlationId into what a handler publishes, and into its handler's lines", async () => {
    const placed = await bus.publish(order('o-3'), { correlationId: 'checkout-42' });
    await invoiced('o-3');
    await waitFor(
      () => log.withMessage('Handler Billing.onInvoice finished').length === 1,
      'the invoice handler to finish',
    );

    const [published] = log.withMessage('Published InvoiceRequested');
    expect(published).toMatchObject({
      level: LEVEL.debug,
      messageClass: 'InvoiceRequested',
      correlationId: 'checkout-42',
      causationId: placed.uuid,
    });
    expect(published!.uuid).not.toBe(placed.uuid);

    const invoiceLines = log
      .records()
      .filter((record) => record.messageClass === 'InvoiceRequested' && record.uuid === published!.uuid);
    expect(invoiceLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        'Published InvoiceRequested',
        'Received InvoiceRequested',
        'Handler Billing.onInvoice started',
        'invoice requested',
        'Handler Billing.onInvoice finished',
      ]),
    );
    for (const line of invoiceLines) expect(line.correlationId).toBe('checkout-42');
    expect(log.withMessage('invoice requested')).toEqual([
      expect.objectContaining({ handler: 'Billing.onInvoice', context: 'Billing' }),
    ]);
  });

  it('writes every field once, though handler lines combine the binding with their own fields', async () => {
    await bus.publish(order('o-4'), { correlationId: 'checkout-7' });
    await invoiced('o-4');
    await waitFor(() => log.withMessage(/^Handler Billing\.onInvoice finished/).length === 1, 'the last handler');

    expect(log.lines().filter((line) => duplicateKeys(line).length > 0)).toEqual([]);
  });

  it('binds nothing to lines written outside handlers', async () => {
    await bus.publish(order('o-5'), { correlationId: 'checkout-8' });
    await invoiced('o-5');

    billing.report();

    const [report] = log.withMessage('daily report');
    expect(report).toMatchObject({ level: LEVEL.info, context: 'Billing' });
    for (const field of ['correlationId', 'uuid', 'messageClass', 'handler']) expect(report).not.toHaveProperty(field);
  });
});
