import 'reflect-metadata';
import { IsInt, IsString, Min } from 'class-validator';
import {
  allOf,
  allowAll,
  allowFrom,
  anyOf,
  DeadLetterQueue,
  denyAll,
  HandlerRegistrationError,
  MemoryDeadLetterStore,
  Message,
  MessageBus,
  MessageBusOptions,
  MessagePolicy,
  MessagePolicyRequest,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'AuthzOrderPlaced', from: 'orders' })
class OrderPlaced {
  @IsString() orderId!: string;
  @IsInt() @Min(0) amount!: number;
}

@Message({ name: 'AuthzPriceQuery', from: 'shop', to: 'pricing' })
class PriceQuery {
  @IsString() sku!: string;
}

@Message({ name: 'AuthzPriceQuote', from: 'pricing' })
class PriceQuote {
  @IsInt() cents!: number;
}

const order = (orderId: string, amount: number): OrderPlaced => Object.assign(new OrderPlaced(), { orderId, amount });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const atMost =
  (limit: number): MessagePolicy<OrderPlaced> =>
  ({ payload }) =>
    payload.amount <= limit || { allow: false, reason: `amount ${payload.amount} is above ${limit}` };

describe('MessagePolicy: authorization at dispatch, through the bus on the memory transport', () => {
  let bus: MessageBus;
  let undeliverable: UndeliverableMessage[];
  let queue: DeadLetterQueue;

  const boot = async (options: Partial<MessageBusOptions> = {}): Promise<void> => {
    undeliverable = [];
    queue = new DeadLetterQueue(new MemoryDeadLetterStore());
    bus = new MessageBus({
      entity: 'payments',
      logger: silent,
      onUndeliverable: (event) => {
        undeliverable.push(event);
        return queue.record(event);
      },
      ...options,
    });
    queue.connect(bus);
  };

  afterEach(async () => {
    await bus.shutdown(1000);
  });

  it('denies on a payload field: the handler does not run, the message is dead-lettered as unauthorized', async () => {
    await boot();
    const handled: string[] = [];
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message.orderId), { authorize: atMost(100) });
    await bus.start();

    await bus.publish(order('small', 50));
    const header = await bus.publish(order('large', 500));
    await waitFor(() => undeliverable.length === 1 && handled.length === 1, 'one handled, one denied');

    expect(handled).toEqual(['small']);
    const handlerId = 'AuthzOrderPlaced.subscriber_1';
    expect(undeliverable[0]).toMatchObject({
      reason: 'unauthorized',
      handlerId,
      envelope: { header: { uuid: header.uuid } },
      error: {
        name: 'MessageUnauthorizedError',
        code: 'SM_UNAUTHORIZED',
        message: `${handlerId} is not authorized to handle AuthzOrderPlaced from "orders": amount 500 is above 100`,
      },
    });
    expect((await queue.list({ reason: 'unauthorized' })).total).toBe(1);
    expect(bus.statistics.forHandler(handlerId)).toMatchObject({ delivered: 1, denied: 1, succeeded: 1, failed: 0 });
  });

  it('denies an unverified sender that allowFrom does not list, and shows the policy verified: false', async () => {
    await boot();
    const requests: MessagePolicyRequest[] = [];
    const handled: string[] = [];
    const recording: MessagePolicy = (request) => {
      requests.push(request);
      return allowFrom('orders')(request);
    };
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message.orderId), { authorize: recording });
    await bus.start();

    await bus.publish(order('forged', 1), { from: 'mallory' });
    await waitFor(() => undeliverable.length === 1, 'the deny');

    expect(handled).toEqual([]);
    expect(undeliverable[0]!.error.message).toContain('from "mallory": sender "mallory" is not one of orders');
    expect(requests).toEqual([
      {
        messageClass: 'AuthzOrderPlaced',
        version: 1,
        from: 'mallory',
        to: undefined,
        verified: false,
        payload: order('forged', 1),
        handlerId: 'AuthzOrderPlaced.subscriber_1',
        transport: 'memory',
      },
    ]);
    expect(requests[0]!.payload).toBeInstanceOf(OrderPlaced);
  });

  it('lets an allowed message through untouched', async () => {
    await boot();
    const handled: OrderPlaced[] = [];
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message), {
      authorize: allOf(allowFrom('orders'), atMost(100)),
    });
    await bus.start();

    await bus.publish(order('fine', 100));
    await waitFor(() => handled.length === 1, 'the handler');
    expect(handled[0]).toEqual(order('fine', 100));
    expect(undeliverable).toEqual([]);
  });

  it('skips only the denied handler: another handler of the same message still runs', async () => {
    await boot();
    const audit: string[] = [];
    const charged: string[] = [];
    await bus.subscribe(OrderPlaced, (message) => void audit.push(message.orderId));
    await bus.subscribe(OrderPlaced, (message) => void charged.push(message.orderId), { authorize: atMost(10) });
    await bus.start();

    await bus.publish(order('big', 11));
    await waitFor(() => audit.length === 1 && undeliverable.length === 1, 'the audit handler and the deny');
    expect(charged).toEqual([]);
    expect(undeliverable.map(({ reason, handlerId }) => ({ reason, handlerId }))).toEqual([
      { reason: 'unauthorized', handlerId: 'AuthzOrderPlaced.subscriber_2' },
    ]);
  });

  it('denies when the policy throws (fail closed), keeping the throw in the message', async () => {
    await boot();
    const handled: string[] = [];
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message.orderId), {
      authorize: () => {
        throw new TypeError('rules not loaded');
      },
    });
    await bus.start();

    await bus.publish(order('o-1', 1));
    await waitFor(() => undeliverable.length === 1, 'the deny');
    expect(handled).toEqual([]);
    expect(undeliverable[0]).toMatchObject({
      reason: 'unauthorized',
      error: { code: 'SM_UNAUTHORIZED', message: expect.stringContaining('the policy threw: rules not loaded') },
    });
  });

  it('denies when the policy answers with a promise or anything that is not a decision', async () => {
    await boot();
    const handled: string[] = [];
    const asynchronous = (() => Promise.resolve(true)) as unknown as MessagePolicy;
    const sloppy = (() => undefined) as unknown as MessagePolicy;
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message.orderId), { authorize: asynchronous });
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message.orderId), { authorize: sloppy });
    await bus.start();

    await bus.publish(order('o-1', 1));
    await waitFor(() => undeliverable.length === 2, 'both denies');
    expect(handled).toEqual([]);
    expect(undeliverable.map((event) => event.error.message)).toEqual([
      expect.stringContaining('policies must decide synchronously'),
      expect.stringContaining('returned undefined'),
    ]);
  });

  it('with denyByDefault, refuses handlers without a policy; allowAll exempts one', async () => {
    await boot({ authorization: { denyByDefault: true } });
    const handled: string[] = [];
    await bus.subscribe(OrderPlaced, () => void handled.push('unpoliced'));
    await bus.subscribe(OrderPlaced, () => void handled.push('exempt'), { authorize: allowAll });
    await bus.start();

    await bus.publish(order('o-1', 1));
    await waitFor(() => handled.length === 1 && undeliverable.length === 1, 'one run, one deny');
    expect(handled).toEqual(['exempt']);
    expect(undeliverable[0]).toMatchObject({
      reason: 'unauthorized',
      handlerId: 'AuthzOrderPlaced.subscriber_1',
      error: { message: expect.stringContaining('the handler has no policy and authorization denies by default') },
    });
  });

  it("applies the module default to handlers without their own; a handler's own policy wins", async () => {
    await boot({ authorization: { default: denyAll('closed for the night') } });
    const handled: string[] = [];
    await bus.subscribe(OrderPlaced, () => void handled.push('default'));
    await bus.subscribe(OrderPlaced, () => void handled.push('own'), { authorize: atMost(5) });
    await bus.start();

    await bus.publish(order('o-1', 1));
    await waitFor(() => handled.length === 1 && undeliverable.length === 1, 'one run, one deny');
    expect(handled).toEqual(['own']);
    expect(undeliverable[0]!.error.message).toContain('closed for the night');
  });

  it('leaves the bus reply listener alone under denyByDefault: replies are judged by replyFrom', async () => {
    await boot({ entity: 'shop', authorization: { denyByDefault: true } });
    await bus.subscribe(PriceQuery, () => Object.assign(new PriceQuote(), { cents: 250 }), { authorize: allowAll });
    await bus.start();

    const quote = await bus.request(Object.assign(new PriceQuery(), { sku: 'MUG' }), {
      replyType: PriceQuote,
      from: 'shop',
      timeoutMs: 2000,
    });
    expect(quote).toEqual(Object.assign(new PriceQuote(), { cents: 250 }));
    expect(undeliverable).toEqual([]);
  });

  it('replays an unauthorized dead letter straight to its handler once the policy allows it', async () => {
    await boot();
    let limit = 100;
    const handled: string[] = [];
    await bus.subscribe(OrderPlaced, (message) => void handled.push(message.orderId), {
      authorize: ({ payload }) => payload.amount <= limit,
    });
    await bus.start();
    await bus.publish(order('large', 500));
    await waitFor(async () => (await queue.list()).total === 1, 'the dead letter');
    const [entry] = (await queue.list()).entries;

    // Still denied: the replay fails and the entry stays, its attempts counted.
    const refused = await queue.replay(entry!.id);
    expect(refused).toMatchObject({ replayed: 0, failed: 1 });
    expect(await queue.get(entry!.id)).toMatchObject({ reason: 'unauthorized', attempts: 2 });

    limit = 1000;
    const report = await queue.replay(entry!.id);
    expect(report).toMatchObject({ replayed: 1, failed: 0 });
    expect(handled).toEqual(['large']);
    expect((await queue.list()).total).toBe(0);
  });

  it('refuses an authorize option that is not a function at registration', async () => {
    await boot();
    await expect(
      bus.subscribe(OrderPlaced, () => undefined, { authorize: 'orders' as unknown as MessagePolicy }),
    ).rejects.toThrow(HandlerRegistrationError);
  });
});

describe('policy helpers', () => {
  const request = (from: string, amount: number): MessagePolicyRequest<OrderPlaced> => ({
    messageClass: 'AuthzOrderPlaced',
    version: 1,
    from,
    to: undefined,
    verified: false,
    payload: order('o', amount),
    handlerId: 'h',
    transport: 'memory',
  });

  it('allOf keeps the first deny, anyOf every reason; empty lists allow and deny', () => {
    const policy = allOf(allowFrom('orders'), atMost(10));
    expect(policy(request('orders', 5))).toBe(true);
    expect(policy(request('orders', 50))).toEqual({ allow: false, reason: 'amount 50 is above 10' });
    expect(policy(request('shop', 50))).toEqual({ allow: false, reason: 'sender "shop" is not one of orders' });
    const either = anyOf(allowFrom('admin'), atMost(10));
    expect(either(request('shop', 5))).toBe(true);
    expect(either(request('shop', 50))).toEqual({
      allow: false,
      reason: 'sender "shop" is not one of admin; amount 50 is above 10',
    });
    expect(allOf()(request('x', 1))).toBe(true);
    expect(anyOf()(request('x', 1))).toEqual({ allow: false, reason: 'no policy allows it' });
    expect(denyAll()(request('x', 1))).toEqual({ allow: false, reason: 'denied by policy' });
  });
});
