import 'reflect-metadata';
import { Controller, INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Min } from 'class-validator';
import {
  Describe,
  InjectTransport,
  Message,
  MessageBus,
  MessageCatalog,
  MessageContext,
  MessageStatistics,
  MemoryTransport,
  SmartMessageModule,
  Subscribe,
  Transport,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ from: 'shop' })
@Describe('A customer placed an order')
class OrderPlaced {
  @IsString() orderId!: string;
  @IsInt() @Min(1) quantity = 1;
}

@Message({ transport: 'b' })
class InvoiceIssued {
  @IsString() invoiceId!: string;
}

interface Received<T> {
  message: T;
  context: MessageContext;
}

@Injectable()
class OrderListener {
  readonly received: Received<OrderPlaced>[] = [];

  @Subscribe()
  onOrderPlaced(message: OrderPlaced, context: MessageContext): void {
    this.received.push({ message, context });
  }
}

@Controller()
class WarehouseController {
  readonly received: object[] = [];

  // The parameter's declared type says nothing (design type Object): the decorator names the type.
  @Subscribe(OrderPlaced, { to: 'warehouse' })
  onOrderForWarehouse(message: object): void {
    this.received.push(message);
  }
}

/** Built by a factory provider: Nest knows its instance but not its class. */
class OrderArchive {
  readonly archived: string[] = [];

  @Subscribe()
  onOrderPlaced(message: OrderPlaced): void {
    this.archived.push(message.orderId);
  }
}

const ORDER_ARCHIVE = 'OrderArchive';

@Injectable()
class TransportHolder {
  constructor(@InjectTransport('memory') readonly transport: Transport) {}
}

function order(orderId: string, quantity = 1): OrderPlaced {
  return Object.assign(new OrderPlaced(), { orderId, quantity });
}

describe('SmartMessageModule.forRoot', () => {
  let app: INestApplication;

  afterEach(async () => {
    await app?.close();
  });

  describe('with the default in-memory transport', () => {
    beforeEach(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [SmartMessageModule.forRoot({ entity: 'shop', logger: false })],
        providers: [
          OrderListener,
          TransportHolder,
          { provide: ORDER_ARCHIVE, useFactory: () => new OrderArchive() },
          // An alias of a handler's provider must not register its handlers a second time.
          { provide: 'OrderListenerAlias', useExisting: OrderListener },
        ],
        controllers: [WarehouseController],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    });

    it('delivers to handlers on providers and on controllers, as instances of the message class', async () => {
      const bus = app.get(MessageBus);
      await bus.publish(order('A1', 2), { to: 'warehouse' });
      await bus.publish(order('A2'), { to: 'accounting' });

      const listener = app.get(OrderListener);
      const warehouse = app.get(WarehouseController);
      await waitFor(() => listener.received.length === 2, 'the provider saw both orders');
      expect(listener.received.map(({ message }) => message)).toEqual([order('A1', 2), order('A2')]);
      expect(listener.received[0]!.message).toBeInstanceOf(OrderPlaced);
      // Only the order addressed to the warehouse passes the controller's `to` filter.
      await waitFor(() => warehouse.received.length === 1, 'the controller saw its order');
      expect(warehouse.received).toEqual([order('A1', 2)]);
      expect(warehouse.received[0]).toBeInstanceOf(OrderPlaced);
    });

    it('discovers handlers on instances of factory providers, once per instance', async () => {
      await app.get(MessageBus).publish(order('A6'));

      const archive = app.get<OrderArchive>(ORDER_ARCHIVE);
      const listener = app.get(OrderListener);
      await waitFor(() => archive.archived.length === 1, 'the archive saw the order');
      await waitFor(() => listener.received.length === 1, 'the provider saw the order');
      expect(archive.archived).toEqual(['A6']);
      expect(
        app
          .get(MessageBus)
          .routes()
          .map((route) => route.handlerId)
          .sort(),
      ).toEqual([
        'OrderArchive.onOrderPlaced',
        'OrderListener.onOrderPlaced',
        'WarehouseController.onOrderForWarehouse',
      ]);
    });

    it('passes a MessageContext with the header, transport, attempt and handler id', async () => {
      const header = await app.get(MessageBus).publish(order('A3'), { to: 'warehouse', replyTo: 'support' });

      const listener = app.get(OrderListener);
      await waitFor(() => listener.received.length === 1, 'the provider saw the order');
      const { context } = listener.received[0]!;
      expect(context).toBeInstanceOf(MessageContext);
      expect(context.header).toEqual(header);
      expect(context.header).toMatchObject({
        messageClass: 'OrderPlaced',
        version: 1,
        from: 'shop',
        to: 'warehouse',
        replyTo: 'support',
      });
      expect(context.transport).toBe('memory');
      expect(context.attempt).toBe(1);
      expect(context.handlerId).toBe('OrderListener.onOrderPlaced');
    });

    it('makes the statistics and the catalog injectable', async () => {
      await app.get(MessageBus).publish(order('A4'), { to: 'warehouse' });
      const warehouse = app.get(WarehouseController);
      await waitFor(() => warehouse.received.length === 1, 'the controller saw the order');

      const statistics = app.get(MessageStatistics);
      await waitFor(
        () => statistics.forHandler('OrderListener.onOrderPlaced')?.succeeded === 1,
        'the provider handler is counted',
      );
      expect(statistics.forType('OrderPlaced')).toEqual({ published: 1, received: 1 });
      expect(statistics.forHandler('WarehouseController.onOrderForWarehouse')).toMatchObject({
        messageClass: 'OrderPlaced',
        delivered: 1,
        succeeded: 1,
        failed: 0,
      });

      const catalog = app.get(MessageCatalog);
      expect(catalog.find('OrderPlaced')).toMatchObject({
        name: 'OrderPlaced',
        version: 1,
        from: 'shop',
        description: 'A customer placed an order',
      });
    });

    it('injects the configured transport by name', () => {
      const { transport } = app.get(TransportHolder);
      expect(transport).toBeInstanceOf(MemoryTransport);
      expect(transport).toBe(app.get(MessageBus).transport('memory'));
    });
  });

  describe('with two transports', () => {
    @Injectable()
    class InvoiceListener {
      readonly received: Received<InvoiceIssued>[] = [];

      @Subscribe()
      onInvoiceIssued(message: InvoiceIssued, context: MessageContext): void {
        this.received.push({ message, context });
      }
    }

    @Injectable()
    class TransportPair {
      constructor(
        @InjectTransport('a') readonly a: MemoryTransport,
        @InjectTransport('b') readonly b: MemoryTransport,
      ) {}
    }

    let transports: { a: MemoryTransport; b: MemoryTransport };

    beforeEach(async () => {
      transports = { a: new MemoryTransport({ retain: 10 }), b: new MemoryTransport({ retain: 10 }) };
      const moduleRef = await Test.createTestingModule({
        imports: [SmartMessageModule.forRoot({ entity: 'billing', transports, logger: false })],
        providers: [InvoiceListener, OrderListener, TransportPair],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.init();
    });

    it('sends a type that names its transport through that transport only', async () => {
      const bus = app.get(MessageBus);
      await bus.publish(Object.assign(new InvoiceIssued(), { invoiceId: 'I-1' }));
      await bus.publish(order('A5'));

      const invoices = app.get(InvoiceListener);
      const orders = app.get(OrderListener);
      await waitFor(() => invoices.received.length === 1, 'the invoice arrived');
      await waitFor(() => orders.received.length === 1, 'the order arrived');
      expect(invoices.received[0]!.context.transport).toBe('b');
      expect(orders.received[0]!.context.transport).toBe('a');
      expect(transports.b.published().map((envelope) => envelope.header.messageClass)).toEqual(['InvoiceIssued']);
      // A type without a transport of its own takes the first configured one.
      expect(transports.a.published().map((envelope) => envelope.header.messageClass)).toEqual(['OrderPlaced']);
    });

    it('injects each transport under its own name', () => {
      const pair = app.get(TransportPair);
      expect(pair.a).toBe(transports.a);
      expect(pair.b).toBe(transports.b);
    });
  });
});
