import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { IsInt, IsString } from 'class-validator';
import {
  KeyEntry,
  Message,
  MessageBus,
  MessageHeader,
  Transport,
  UndeliverableMessage,
  aes256gcm,
} from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

@Message({ name: 'SealedCharge', from: 'payments', serializer: 'json+a256gcm' })
class SealedCharge {
  @IsInt() seq!: number;
  @IsString() card!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const KEYS: KeyEntry[] = [{ kid: '2026-12', key: randomBytes(32), status: 'primary' }];

describe.each([
  ['pub/sub', (prefix: string): Transport => new RedisPubSubTransport({ prefix, logger: silent })],
  ['Streams', (prefix: string): Transport => new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent })],
])('encrypted messages over Redis %s', (kind, transportFor) => {
  const keys = uniquePrefix(`sealed-${kind === 'pub/sub' ? 'pubsub' : 'streams'}`);
  const buses: MessageBus[] = [];
  const tap = new Redis();
  const canary = (): string => `canary-${randomUUID()}`;
  let prefix: string;
  let frames: string[];
  let received: SealedCharge[];
  let undeliverable: UndeliverableMessage[];
  let publisher: MessageBus;

  beforeEach(async () => {
    prefix = `${keys}${randomUUID().slice(0, 6)}:`;
    frames = [];
    received = [];
    undeliverable = [];
    // Each bus builds its own stage from the same keys, as two services would from one keys file.
    const subscriber = new MessageBus({
      entity: 'billing',
      logger: silent,
      transports: { redis: transportFor(prefix) },
      stages: [aes256gcm({ keys: KEYS })],
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    publisher = new MessageBus({
      entity: 'payments',
      logger: silent,
      transports: { redis: transportFor(prefix) },
      stages: [aes256gcm({ keys: KEYS })],
    });
    buses.push(subscriber, publisher);
    await subscriber.subscribe(SealedCharge, (charge) => void received.push(charge));
    await subscriber.start();
    await publisher.start();
    if (kind === 'pub/sub') {
      await tap.psubscribe(`${prefix}*`);
      tap.on('pmessage', (_pattern, _channel, frame) => frames.push(frame));
    }
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000)));
    await tap.punsubscribe();
    tap.removeAllListeners('pmessage');
  });

  afterAll(async () => {
    tap.disconnect();
    await deleteKeys(keys);
  });

  /** Every frame as Redis holds it: read back with XRANGE from the stream, or captured from the channel. */
  async function wire(): Promise<string[]> {
    if (kind === 'Streams') {
      const redis = new Redis();
      const entries = await redis.xrange(`${prefix}SealedCharge`, '-', '+');
      redis.disconnect();
      return entries.map(([, fields]) => fields.join('\n'));
    }
    return frames;
  }

  it('round trip: the handler gets the message, and the canary never appears in Redis', async () => {
    const secret = canary();
    await publisher.publish(Object.assign(new SealedCharge(), { seq: 1, card: secret }));
    await waitFor(() => received.length === 1, 'the encrypted message');

    expect(received).toEqual([Object.assign(new SealedCharge(), { seq: 1, card: secret })]);
    await waitFor(async () => (await wire()).length === 1, 'the frame in Redis');
    const [frame] = await wire();
    expect(frame).not.toContain(secret);
    expect(frame).not.toContain(Buffer.from(secret).toString('base64').slice(0, 16));
    expect(frame).toContain('"smserializer":"json+a256gcm"');
    expect(frame).toContain('"data_base64"');
  });

  it('a tampered frame: refused as undecodable with the typed error, acknowledged, the handler not run', async () => {
    const secret = canary();
    const header: MessageHeader = {
      uuid: randomUUID(),
      messageClass: 'SealedCharge',
      version: 1,
      publishedAt: new Date().toISOString(),
      publisherPid: 1,
      from: 'payments',
      serializer: 'json+a256gcm',
    };
    const payload = aes256gcm({ keys: KEYS }).encode(Buffer.from(JSON.stringify({ seq: 2, card: secret })), {
      header,
    });
    payload[payload.length - 20] ^= 0x01; // a ciphertext byte
    await publisher.transport('redis').publish({ header, payload });
    await publisher.publish(Object.assign(new SealedCharge(), { seq: 3, card: 'next' }));
    await waitFor(() => received.length === 1 && undeliverable.length === 1, 'the refusal and the next message');

    expect(received.map((charge) => charge.seq)).toEqual([3]);
    expect(undeliverable[0]).toMatchObject({
      reason: 'undecodable',
      envelope: { header: { uuid: header.uuid, serializer: 'json+a256gcm' } },
      error: { name: 'DecryptionFailedError', code: 'SM_DECRYPTION_FAILED' },
    });
    // What a dead letter would keep is the envelope as received: still encrypted.
    expect(Buffer.from(undeliverable[0]!.envelope!.payload as Uint8Array)).toEqual(Buffer.from(payload));
    if (kind === 'Streams') {
      const redis = new Redis();
      await waitFor(
        async () => ((await redis.xpending(`${prefix}SealedCharge`, 'billing')) as [number])[0] === 0,
        'both entries acknowledged, none left to retry',
      );
      redis.disconnect();
    }
    expect((await wire()).join('\n')).not.toContain(secret);
  });
});
