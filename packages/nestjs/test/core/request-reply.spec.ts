import 'reflect-metadata';
import { IsNumber, IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus, MessageHeader, RequestTimeoutError } from '@smart-message/nestjs';
import { settled, waitFor } from './wait-for';

@Message({ from: 'shop' })
class PriceQuery {
  @IsString() sku = 'SKU-1';
}

@Message({ from: 'pricing' })
class PriceQuote {
  @IsString() sku = '';
  @IsNumber() price = 0;
}

/** Nobody answers this one. */
@Message({ from: 'shop' })
class StockQuery {
  @IsString() sku = 'SKU-1';
}

@Message({ from: 'shop' })
class OrderPlaced {
  @IsString() orderId = 'A-1';
}

@Message({ from: 'shop' })
class PaymentRequested {
  @IsString() orderId = 'A-1';
}

const PRICES: Record<string, number> = { 'SKU-1': 9.5, 'SKU-2': 120 };

const query = (sku: string): PriceQuery => Object.assign(new PriceQuery(), { sku });

describe('request–reply and conversations', () => {
  let transport: MemoryTransport;
  let bus: MessageBus;
  /** Headers of the queries the responder handled and of the quotes that went back. */
  let queries: MessageHeader[];
  let quotes: MessageHeader[];
  let quotedSkus: string[];
  /** A SKU the responder answers only after some other quote went out, to reorder replies. */
  let answeredLast: string | undefined;

  beforeEach(async () => {
    queries = [];
    quotes = [];
    quotedSkus = [];
    answeredLast = undefined;
    transport = new MemoryTransport({ retain: 20 });
    bus = new MessageBus({ entity: 'shop', transports: { memory: transport } });
    await bus.subscribe(PriceQuery, async (message, context) => {
      queries.push(context.header);
      if (message.sku === answeredLast) await waitFor(() => quotedSkus.length > 0, 'another quote to go out first');
      return Object.assign(new PriceQuote(), { sku: message.sku, price: PRICES[message.sku] });
    });
    await bus.subscribe(PriceQuote, (message, context) => {
      quotes.push(context.header);
      quotedSkus.push(message.sku);
    });
    await bus.start();
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  it('resolves with the reply instance, correlated to the request and sent to its replyTo', async () => {
    const reply = await bus.request(query('SKU-1'), {
      replyType: PriceQuote,
      timeoutMs: 2000,
      replyTo: 'shop-replies',
    });

    expect(reply).toBeInstanceOf(PriceQuote);
    expect(reply).toEqual(Object.assign(new PriceQuote(), { sku: 'SKU-1', price: 9.5 }));
    await waitFor(() => quotes.length === 1, 'the quote to reach its observer');
    const [request] = queries;
    expect(request!.replyTo).toBe('shop-replies');
    expect(quotes[0]).toMatchObject({
      correlationId: request!.uuid,
      causationId: request!.uuid,
      to: 'shop-replies',
      from: 'pricing',
    });
  });

  it('sends the reply to the request’s from when it names no replyTo', async () => {
    await bus.request(query('SKU-1'), { replyType: PriceQuote, timeoutMs: 2000, from: 'checkout' });

    await waitFor(() => quotes.length === 1, 'the quote to reach its observer');
    expect(queries[0]).not.toHaveProperty('replyTo');
    expect(quotes[0]).toMatchObject({ correlationId: queries[0]!.uuid, to: 'checkout' });
  });

  it('gives concurrent requests each their own reply, whatever order the replies come in', async () => {
    answeredLast = 'SKU-1';

    const [first, second] = await Promise.all([
      bus.request(query('SKU-1'), { replyType: PriceQuote, timeoutMs: 2000 }),
      bus.request(query('SKU-2'), { replyType: PriceQuote, timeoutMs: 2000 }),
    ]);

    expect([first.sku, first.price]).toEqual(['SKU-1', 9.5]);
    expect([second.sku, second.price]).toEqual(['SKU-2', 120]);
    expect(quotedSkus).toEqual(['SKU-2', 'SKU-1']);
  });

  it('rejects with RequestTimeoutError when no reply comes in time', async () => {
    const error = (await bus
      .request(new StockQuery(), { replyType: PriceQuote, timeoutMs: 30 })
      .catch((e: unknown) => e)) as RequestTimeoutError;

    expect(error).toBeInstanceOf(RequestTimeoutError);
    const sent = transport.published().find((envelope) => envelope.header.messageClass === 'StockQuery');
    expect(error).toMatchObject({
      code: 'SM_REQUEST_TIMEOUT',
      messageClass: 'StockQuery',
      uuid: sent!.header.uuid,
      timeoutMs: 30,
    });
  });

  describe('messages published inside a handler', () => {
    let payments: MessageHeader[];

    beforeEach(async () => {
      payments = [];
      await bus.subscribe(OrderPlaced, async (message) => {
        await bus.publish(Object.assign(new PaymentRequested(), { orderId: message.orderId }));
      });
      await bus.subscribe(PaymentRequested, (_message, context) => void payments.push(context.header));
    });

    it('carry the handled message’s uuid as causationId and inherit its correlationId', async () => {
      const order = await bus.publish(new OrderPlaced(), { correlationId: 'checkout-42' });
      await settled(bus, 'PaymentRequested', 1);

      expect(payments).toEqual([expect.objectContaining({ causationId: order.uuid, correlationId: 'checkout-42' })]);
    });

    it('start a conversation at the handled message when it had none', async () => {
      const order = await bus.publish(new OrderPlaced());
      await settled(bus, 'PaymentRequested', 1);

      expect(order).not.toHaveProperty('correlationId');
      expect(payments).toEqual([expect.objectContaining({ causationId: order.uuid, correlationId: order.uuid })]);
    });

    it('are not tied to a conversation when published outside any handler', async () => {
      const payment = await bus.publish(new PaymentRequested());
      await settled(bus, 'PaymentRequested', 1);

      expect(payment).not.toHaveProperty('causationId');
      expect(payments[0]).not.toHaveProperty('causationId');
      expect(payments[0]).not.toHaveProperty('correlationId');
    });
  });
});
