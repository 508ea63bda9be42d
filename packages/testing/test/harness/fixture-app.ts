import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { IsInt, IsString, Min } from 'class-validator';
import { MemoryTransport, Message, MessageBus, SmartMessageModule, Subscribe } from '@smart-message/nestjs';

/** The fixture shop: orders are placed, paid for, and priced on request. */
@Message({ from: 'shop', transport: 'orders' })
export class OrderPlaced {
  @IsString() orderId!: string;
  @IsInt() @Min(1) quantity!: number;
}

@Message({ from: 'shop', transport: 'orders' })
export class PaymentRequested {
  @IsString() orderId!: string;
  @IsInt() amountCents!: number;
}

@Message({ from: 'shop', transport: 'orders' })
export class PriceAsked {
  @IsString() sku!: string;
}

@Message({ from: 'shop', transport: 'orders' })
export class PriceQuoted {
  @IsString() sku!: string;
  @IsInt() cents!: number;
}

/** Fails while `failuresLeft` > 0, then succeeds: for the retry list. */
@Message({ from: 'shop', transport: 'orders', retry: { attempts: 3, backoff: 'fixed', initialDelayMs: 1 } })
export class StockReserved {
  @IsString() orderId!: string;
}

/** Retried a minute later: only fake timers let a test see the second attempt. */
@Message({ from: 'shop', transport: 'orders', retry: { attempts: 2, backoff: 'fixed', initialDelayMs: 60_000 } })
export class InvoiceRequested {
  @IsString() orderId!: string;
}

@Injectable()
export class OrdersHandler {
  readonly placed: OrderPlaced[] = [];
  constructor(private readonly bus: MessageBus) {}

  @Subscribe()
  async onOrderPlaced(order: OrderPlaced): Promise<void> {
    if (order.orderId === 'bad') throw new Error(`order ${order.orderId} refused`);
    this.placed.push(order);
    await this.bus.publish(
      Object.assign(new PaymentRequested(), { orderId: order.orderId, amountCents: order.quantity * 500 }),
    );
  }

  @Subscribe()
  quote(asked: PriceAsked): PriceQuoted {
    return Object.assign(new PriceQuoted(), { sku: asked.sku, cents: 250 });
  }
}

@Injectable()
export class PaymentsHandler {
  readonly requested: PaymentRequested[] = [];
  failuresLeft = 0;

  @Subscribe()
  onPaymentRequested(payment: PaymentRequested): void {
    this.requested.push(payment);
  }

  invoiceCalls = 0;

  @Subscribe()
  onInvoiceRequested(_invoice: InvoiceRequested): void {
    if (++this.invoiceCalls === 1) throw new Error('invoicing down');
  }

  @Subscribe()
  onStockReserved(_stock: StockReserved): void {
    if (this.failuresLeft-- > 0) throw new Error('stock service busy');
  }
}

/** The application's own module, as it would run in production (a second named transport). */
@Module({
  imports: [
    SmartMessageModule.forRoot({
      entity: 'shop',
      transports: { orders: new MemoryTransport(), events: new MemoryTransport() },
      deadLetters: false,
      logger: false,
    }),
  ],
  providers: [OrdersHandler, PaymentsHandler],
})
export class ShopModule {}
