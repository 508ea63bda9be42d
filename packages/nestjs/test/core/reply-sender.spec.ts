import 'reflect-metadata';
import { IsBoolean, IsString } from 'class-validator';
import {
  MemoryTransport,
  Message,
  MessageBus,
  MessageContext,
  RequestTimeoutError,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from './wait-for';

@Message({ name: 'ChargeRequested', to: 'payments' })
class ChargeRequested {
  @IsString() orderId = 'A-1';
}

/** Declares no `from`: who may answer is decided by the request alone. */
@Message({ name: 'ChargeAuthorized' })
class ChargeAuthorized {
  @IsBoolean() approved = false;
}

@Message({ name: 'StockAsked' })
class StockAsked {
  @IsString() sku = 'SKU-1';
}

const authorized = (approved: boolean): ChargeAuthorized => Object.assign(new ChargeAuthorized(), { approved });

describe('which sender a request accepts a reply from', () => {
  let transport: MemoryTransport;
  const buses: MessageBus[] = [];
  let undeliverable: UndeliverableMessage[];
  const bus = (entity: string, report = false): MessageBus => {
    const created = new MessageBus({
      entity,
      transports: { memory: transport },
      ...(report ? { onUndeliverable: (event: UndeliverableMessage) => void undeliverable.push(event) } : {}),
    });
    buses.push(created);
    return created;
  };
  /** Answers every request at once, naming itself truthfully, with a reply of its own making. */
  const forger = async (entity: string, type: typeof ChargeRequested | typeof StockAsked): Promise<void> => {
    const mallory = bus(entity);
    await mallory.subscribe(type, async (_message: object, context: MessageContext) => {
      await mallory.publish(authorized(true), { correlationId: context.header.uuid });
    });
    await mallory.start();
  };

  beforeEach(() => {
    undeliverable = [];
    // Shutting a bus down closes its transports: each test shares a fresh one.
    transport = new MemoryTransport();
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((created) => created.shutdown()));
  });

  it('refuses and reports a reply from another entity than the one addressed, and waits for the real one', async () => {
    const shop = bus('shop', true);
    await shop.start();
    await forger('mallory', ChargeRequested);
    const payments = bus('payments');
    await payments.subscribe(ChargeRequested, async () => {
      await waitFor(() => undeliverable.length === 1, 'the forged reply to be refused');
      return authorized(false);
    });
    await payments.start();

    const reply = await shop.request(new ChargeRequested(), { replyType: ChargeAuthorized, timeoutMs: 2000 });

    expect(reply.approved).toBe(false);
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'unexpected-reply',
        envelope: expect.objectContaining({ header: expect.objectContaining({ from: 'mallory' }) }),
        error: expect.objectContaining({ code: 'SM_UNEXPECTED_REPLY' }),
      }),
    ]);
  });

  it('with nobody addressed, accepts only the entities named in replyFrom', async () => {
    const shop = bus('shop', true);
    await shop.start();
    await forger('mallory', StockAsked);

    const outcome = await shop
      .request(new StockAsked(), { replyType: ChargeAuthorized, timeoutMs: 200, replyFrom: ['stock', 'stock-eu'] })
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(RequestTimeoutError);
    expect(undeliverable.map((event) => event.reason)).toEqual(['unexpected-reply']);
  });

  it('accepts a reply from an entity named in replyFrom although the request was addressed elsewhere', async () => {
    const shop = bus('shop', true);
    await shop.start();
    await forger('payments-eu', ChargeRequested);

    const reply = await shop.request(new ChargeRequested(), {
      replyType: ChargeAuthorized,
      timeoutMs: 2000,
      replyFrom: 'payments-eu',
    });

    expect(reply.approved).toBe(true);
    expect(undeliverable).toEqual([]);
  });
});
