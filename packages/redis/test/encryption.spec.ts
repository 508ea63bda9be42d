import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { IsInt, IsString } from 'class-validator';
import {
  DeadLetterQueue,
  KeyEntry,
  Message,
  MessageBus,
  MessageBusOptions,
  MessageHeader,
  Transport,
  UndeliverableMessage,
  aes256gcm,
} from '@smart-message/nestjs';
import { RedisDeadLetterStore, RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';
import { WireKind, WireTap } from './support/wire-tap';

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
  const tap = new WireTap(kind as WireKind);
  const canary = (): string => `canary-${randomUUID()}`;
  let prefix: string;
  let received: SealedCharge[];
  let undeliverable: UndeliverableMessage[];
  let publisher: MessageBus;

  beforeEach(async () => {
    prefix = `${keys}${randomUUID().slice(0, 6)}:`;
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
    await tap.watch(prefix);
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000)));
    await tap.unwatch();
  });

  afterAll(async () => {
    tap.close();
    await deleteKeys(keys);
  });

  it('round trip: the handler gets the message, and the canary never appears in Redis', async () => {
    const secret = canary();
    await publisher.publish(Object.assign(new SealedCharge(), { seq: 1, card: secret }));
    await waitFor(() => received.length === 1, 'the encrypted message');

    expect(received).toEqual([Object.assign(new SealedCharge(), { seq: 1, card: secret })]);
    await waitFor(async () => (await tap.frames('SealedCharge')).length === 1, 'the frame in Redis');
    const [frame] = await tap.frames('SealedCharge');
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
    expect((await tap.frames('SealedCharge')).join('\n')).not.toContain(secret);
  });
});

describe('encrypted messages at rest in Redis', () => {
  const keys = uniquePrefix('sealed-at-rest');
  const OLD = randomBytes(32);
  const NEW = randomBytes(32);
  const buses: MessageBus[] = [];
  let prefix: string;

  beforeEach(() => {
    prefix = `${keys}${randomUUID().slice(0, 6)}:`;
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000)));
  });

  afterAll(() => deleteKeys(keys));

  function busOf(entity: string, entries: KeyEntry[], extra: Partial<MessageBusOptions> = {}): MessageBus {
    const bus = new MessageBus({
      entity,
      logger: silent,
      transports: { redis: new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent }) },
      stages: [aes256gcm({ keys: entries })],
      ...extra,
    });
    buses.push(bus);
    return bus;
  }

  /** Every value under the test's prefix, whatever its type: streams, hashes, sorted sets. */
  async function everything(): Promise<string> {
    const redis = new Redis();
    const [, found] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    const values: string[] = [];
    for (const key of found) {
      const type = await redis.type(key);
      if (type === 'stream') values.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      else if (type === 'hash') values.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'zset') values.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'string') values.push(String(await redis.get(key)));
    }
    redis.disconnect();
    return values.join('\n');
  }

  it('a dead letter of an encrypted class is kept encrypted in RedisDeadLetterStore', async () => {
    const secret = `canary-${randomUUID()}`;
    const store = new RedisDeadLetterStore({ prefix: `${prefix}dlq:` });
    const queue = new DeadLetterQueue(store);
    const undeliverable: UndeliverableMessage[] = [];
    const handled: SealedCharge[] = [];
    try {
      const receiver = busOf('billing', KEYS_OF(OLD, 'primary'), {
        onUndeliverable: (event) => {
          undeliverable.push(event);
          return queue.record(event);
        },
      });
      queue.connect(receiver);
      await receiver.subscribe(SealedCharge, (charge) => void handled.push(charge));
      await receiver.start();
      // A sender under a key the receiver does not have: refused, dead-lettered.
      const sender = busOf('payments', [{ kid: 'elsewhere', key: NEW, status: 'primary' }]);
      await sender.start();
      await sender.publish(Object.assign(new SealedCharge(), { seq: 1, card: secret }));
      await waitFor(async () => (await queue.list()).total === 1, 'the dead letter');

      expect(handled).toEqual([]);
      expect(undeliverable[0]).toMatchObject({ reason: 'undecodable', error: { code: 'SM_KEY_NOT_FOUND' } });
      const [entry] = (await queue.list()).entries;
      expect(entry!.envelope!.header.serializer).toBe('json+a256gcm');
      expect(Buffer.from(entry!.envelope!.payload as Uint8Array).includes(secret)).toBe(false);
      expect(await everything()).toContain('json+a256gcm');
      expect(await everything()).not.toContain(secret);
    } finally {
      await store.close();
    }
  });

  it('rotation with entries in flight: published under the old primary, received after the rotation', async () => {
    // The consumer group exists, then the receiver goes away while the sender still uses the old key.
    const first = busOf('billing', KEYS_OF(OLD, 'primary'));
    await first.subscribe(SealedCharge, () => undefined);
    await first.start();
    await first.shutdown(1000);
    const sender = busOf('payments', KEYS_OF(OLD, 'primary'));
    await sender.start();
    await sender.publish(Object.assign(new SealedCharge(), { seq: 7, card: 'in flight' }));

    const handled: SealedCharge[] = [];
    const rotated = busOf('billing', [
      { kid: 'new', key: NEW, status: 'primary' },
      { kid: 'old', key: OLD, status: 'decrypt-only' },
    ]);
    await rotated.subscribe(SealedCharge, (charge) => void handled.push(charge));
    await rotated.start();
    await waitFor(() => handled.length === 1, 'the in-flight entry');

    expect(handled).toEqual([Object.assign(new SealedCharge(), { seq: 7, card: 'in flight' })]);
  });
});

function KEYS_OF(key: Buffer, status: KeyEntry['status']): KeyEntry[] {
  return [{ kid: 'old', key, status }];
}
