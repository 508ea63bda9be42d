import 'reflect-metadata';
import { IsBoolean, IsString } from 'class-validator';
import { Message, MessageBus, MessageContext, Transport, UndeliverableMessage } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

@Message({ name: 'RedisChargeRequested', to: 'payments' })
class RedisChargeRequested {
  @IsString() orderId = 'A-1';
}

@Message({ name: 'RedisChargeAuthorized' })
class RedisChargeAuthorized {
  @IsBoolean() approved = false;
}

const authorized = (approved: boolean): RedisChargeAuthorized =>
  Object.assign(new RedisChargeAuthorized(), { approved });
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe.each([
  ['pub/sub', (prefix: string): Transport => new RedisPubSubTransport({ prefix, logger: silent })],
  ['streams', (prefix: string): Transport => new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent })],
])('Redis %s: a forged reply', (_kind, transport) => {
  const prefix = uniquePrefix('reply-sender');
  const buses: MessageBus[] = [];
  const bus = (entity: string, onUndeliverable?: (event: UndeliverableMessage) => void): MessageBus => {
    const created = new MessageBus({ entity, transports: { redis: transport(prefix) }, onUndeliverable });
    buses.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((created) => created.shutdown()));
  });

  afterAll(async () => {
    await deleteKeys(prefix);
  });

  it('from a third entity is refused and reported, and the addressed entity’s reply resolves the request', async () => {
    const undeliverable: UndeliverableMessage[] = [];
    const shop = bus('shop', (event) => void undeliverable.push(event));
    await shop.start();
    // Reads the request's uuid off the wire and answers first, naming itself.
    const mallory = bus('mallory');
    await mallory.subscribe(RedisChargeRequested, async (_message: object, context: MessageContext) => {
      await mallory.publish(authorized(true), { correlationId: context.header.uuid });
    });
    await mallory.start();
    const payments = bus('payments');
    await payments.subscribe(RedisChargeRequested, async () => {
      await waitFor(() => undeliverable.length === 1, 'the forged reply to be refused');
      return authorized(false);
    });
    await payments.start();

    const reply = await shop.request(new RedisChargeRequested(), { replyType: RedisChargeAuthorized, timeoutMs: 5000 });

    expect(reply.approved).toBe(false);
    expect(undeliverable).toEqual([
      expect.objectContaining({
        reason: 'unexpected-reply',
        envelope: expect.objectContaining({ header: expect.objectContaining({ from: 'mallory' }) }),
      }),
    ]);
  });
});
