import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Min } from 'class-validator';
import {
  Message,
  MessageBus,
  MessageContext,
  MessageHeader,
  SmartMessageModule,
  Subscribe,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ to: 'pricing' })
class QuoteRequested {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity = 1;
}

@Message({ from: 'pricing' })
class PriceQuoted {
  @IsString() sku!: string;
  @IsInt() totalCents!: number;
}

/** The responder: its return value is the reply. */
@Injectable()
class PriceList {
  readonly requests: MessageHeader[] = [];

  @Subscribe({ to: 'pricing' })
  quote(request: QuoteRequested, context: MessageContext): PriceQuoted {
    this.requests.push(context.header);
    return Object.assign(new PriceQuoted(), { sku: request.sku, totalCents: request.quantity * 250 });
  }
}

/** The requester: another provider of the same application. */
@Injectable()
class Checkout {
  constructor(private readonly bus: MessageBus) {}

  priceOf(sku: string, quantity: number): Promise<PriceQuoted> {
    return this.bus.request(Object.assign(new QuoteRequested(), { sku, quantity }), {
      replyType: PriceQuoted,
      timeoutMs: 1000,
    });
  }
}

/** Watches the replies go by, to see how they are addressed. */
@Injectable()
class ReplyObserver {
  readonly replies: MessageHeader[] = [];

  @Subscribe()
  onPriceQuoted(_reply: PriceQuoted, context: MessageContext): void {
    this.replies.push(context.header);
  }
}

describe('request-reply between providers', () => {
  let app: INestApplication;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SmartMessageModule.forRoot({ entity: 'checkout', logger: false })],
      providers: [PriceList, Checkout, ReplyObserver],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  it('resolves the request with the instance the handler returned', async () => {
    const reply = await app.get(Checkout).priceOf('SKU-7', 3);

    expect(reply).toBeInstanceOf(PriceQuoted);
    expect(reply).toEqual(Object.assign(new PriceQuoted(), { sku: 'SKU-7', totalCents: 750 }));
  });

  it('addresses the reply to the requester and ties it to the request', async () => {
    await app.get(Checkout).priceOf('SKU-8', 1);

    const observer = app.get(ReplyObserver);
    await waitFor(() => observer.replies.length === 1, 'the reply was observed');
    const [request] = app.get(PriceList).requests;
    expect(request).toMatchObject({ from: 'checkout', to: 'pricing' });
    expect(observer.replies[0]).toMatchObject({
      messageClass: 'PriceQuoted',
      from: 'pricing',
      to: 'checkout',
      correlationId: request!.uuid,
      causationId: request!.uuid,
    });
  });

  it('sends concurrent requests their own replies', async () => {
    const checkout = app.get(Checkout);
    const replies = await Promise.all([checkout.priceOf('A', 1), checkout.priceOf('B', 2), checkout.priceOf('C', 3)]);

    expect(replies.map(({ sku, totalCents }) => ({ sku, totalCents }))).toEqual([
      { sku: 'A', totalCents: 250 },
      { sku: 'B', totalCents: 500 },
      { sku: 'C', totalCents: 750 },
    ]);
  });
});
