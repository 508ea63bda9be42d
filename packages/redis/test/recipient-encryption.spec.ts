import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { IsInt, IsString } from 'class-validator';
import {
  MessageBus,
  Message,
  RecipientKeySet,
  UndeliverableMessage,
  generateRecipientKey,
  x25519Recipient,
} from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';
import { WireTap } from './support/wire-tap';

@Message({ name: 'SealedPayout', from: 'orders', to: 'billing', serializer: 'json+x25519' })
class SealedPayout {
  @IsInt() seq!: number;
  @IsString() card!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A generated pair as the stage takes it. */
function pair(entity: string, kid: string) {
  const { privateKey, publicKey } = generateRecipientKey(entity, kid);
  return {
    privateKey: { ...privateKey, privateKey: Buffer.from(privateKey.privateKey, 'base64') },
    publicKey: { ...publicKey, publicKey: Buffer.from(publicKey.publicKey, 'base64') },
  };
}

describe('recipient-encrypted (x25519) messages over Redis Streams', () => {
  const keys = uniquePrefix('recipient-streams');
  const billingKey = pair('billing', 'billing-2026-12');
  const shippingKey = pair('shipping', 'shipping-2026-12');
  const tap = new WireTap('Streams');
  const buses: MessageBus[] = [];

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000)));
  });

  afterAll(async () => {
    tap.close();
    await deleteKeys(keys);
  });

  function busOf(
    entity: string,
    recipientKeys: RecipientKeySet,
    prefix: string,
    onUndeliverable?: (event: UndeliverableMessage) => void,
  ): MessageBus {
    const bus = new MessageBus({
      entity,
      logger: silent,
      transports: { redis: new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent }) },
      stages: [x25519Recipient({ keys: recipientKeys })],
      onUndeliverable,
    });
    buses.push(bus);
    return bus;
  }

  it('the recipient reads it; another consumer group with its own key is refused and acknowledges; the canary never reaches Redis', async () => {
    const prefix = `${keys}${randomUUID().slice(0, 6)}:`;
    const secret = `canary-${randomUUID()}`;
    const billed: SealedPayout[] = [];
    const shipped: SealedPayout[] = [];
    const refused: UndeliverableMessage[] = [];
    const billing = busOf('billing', { privateKeys: [billingKey.privateKey] }, prefix);
    const shipping = busOf(
      'shipping',
      { privateKeys: [shippingKey.privateKey] },
      prefix,
      (event) => void refused.push(event),
    );
    const orders = busOf('orders', { recipients: [billingKey.publicKey] }, prefix);
    await billing.subscribe(SealedPayout, (payout) => void billed.push(payout));
    await shipping.subscribe(SealedPayout, (payout) => void shipped.push(payout));
    await billing.start();
    await shipping.start();
    await orders.start();
    await tap.watch(prefix);

    await orders.publish(Object.assign(new SealedPayout(), { seq: 1, card: secret }));
    await waitFor(() => billed.length === 1 && refused.length === 1, 'the recipient and the refusal');

    expect(billed).toEqual([Object.assign(new SealedPayout(), { seq: 1, card: secret })]);
    expect(shipped).toEqual([]);
    expect(refused[0]).toMatchObject({
      reason: 'undecodable',
      error: { name: 'RecipientKeyNotFoundError', code: 'SM_RECIPIENT_KEY_NOT_FOUND' },
    });
    const frames = await tap.frames('SealedPayout');
    expect(frames).toHaveLength(1);
    expect(frames[0]).toContain('"smserializer":"json+x25519"');
    expect(frames[0]).toContain('"data_base64"');
    expect(frames[0]).not.toContain(secret);
    expect(frames[0]).not.toContain(Buffer.from(secret).toString('base64').slice(0, 16));
    const redis = new Redis();
    try {
      // Poison, not a retry: the refusing group holds nothing pending.
      await waitFor(
        async () => ((await redis.xpending(`${prefix}SealedPayout`, 'shipping')) as [number])[0] === 0,
        'the refused entry acknowledged',
      );
    } finally {
      redis.disconnect();
    }
  });
});
