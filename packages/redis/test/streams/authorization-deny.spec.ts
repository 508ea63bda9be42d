import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsInt, IsString } from 'class-validator';
import { allowFrom, DeadLetterQueue, Message, MessageBus } from '@smart-message/nestjs';
import { RedisDeadLetterStore, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'AuthzPayment', from: 'orders' })
class Payment {
  @IsString() orderId!: string;
  @IsInt() amount!: number;
}

const payment = (orderId: string, amount: number): Payment => Object.assign(new Payment(), { orderId, amount });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('an authorization deny on Redis Streams', () => {
  const prefix = uniquePrefix('streams-authz');
  const redis = new Redis();
  let bus: MessageBus | undefined;
  let queue: DeadLetterQueue | undefined;

  afterAll(async () => {
    await bus?.shutdown(1000);
    await queue?.close();
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('acknowledges the denied entry, dead-letters it as unauthorized, and runs the allowed handler beside it', async () => {
    queue = new DeadLetterQueue(new RedisDeadLetterStore({ prefix: `${prefix}dlq:` }));
    const transport = new RedisStreamsTransport({ prefix, blockMs: 100, claimIntervalMs: 100, logger: silent });
    const dlq = queue;
    const payments = new MessageBus({
      entity: 'payments',
      logger: silent,
      transports: { streams: transport },
      onUndeliverable: (event) => dlq.record(event),
    });
    bus = payments;
    const audited: string[] = [];
    const charged: string[] = [];
    await payments.subscribe(Payment, (message) => void audited.push(message.orderId));
    await payments.subscribe(Payment, (message) => void charged.push(message.orderId), {
      authorize: allowFrom('orders'),
    });
    await payments.start();

    await payments.publish(payment('p-1', 10));
    await payments.publish(payment('p-2', 10), { from: 'mallory' });
    await waitFor(async () => (await dlq.list()).total === 1 && audited.length === 2, 'the deny and both audits');
    await payments.idle();

    expect(charged).toEqual(['p-1']);
    const [entry] = (await dlq.list()).entries;
    expect(entry).toMatchObject({
      reason: 'unauthorized',
      handlerId: 'AuthzPayment.subscriber_2',
      transport: 'streams',
      attempts: 1,
      envelope: { header: { from: 'mallory' } },
      error: { name: 'MessageUnauthorizedError', code: 'SM_UNAUTHORIZED' },
    });
    // Acknowledged: nothing left pending in the group, so no consumer is handed it again.
    await waitFor(
      async () => ((await redis.xpending(`${prefix}AuthzPayment`, 'payments')) as [number])[0] === 0,
      'no pending entry',
    );
    expect(payments.statistics.forHandler('AuthzPayment.subscriber_2')).toMatchObject({ denied: 1, delivered: 1 });
  });
});
