import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { Allow, IsInt, IsString } from 'class-validator';
import {
  Message,
  MessageBus,
  MessageHeader,
  MessageType,
  Transport,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';
import { WireKind, WireTap } from './support/wire-tap';

@Message({ name: 'ChainedPacked', from: 'tests', serializer: 'msgpack' })
class ChainedPacked {
  @IsInt() seq!: number;
  @Allow() bytes!: Uint8Array;
}

@Message({ name: 'ChainedPackedDeflated', from: 'tests', serializer: 'msgpack+deflate' })
class ChainedPackedDeflated {
  @IsInt() seq!: number;
  @IsString() body!: string;
}

@Message({ name: 'ChainedJsonBrotli', from: 'tests', serializer: 'json+br' })
class ChainedJsonBrotli {
  @IsInt() seq!: number;
  @IsString() body!: string;
}

const BODY = 'line item: widget, quantity 3, unit price 9.99; '.repeat(60); // ~3 KB
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A header as anyone with write access to Redis could write it for the chained class. */
const attackerHeader = (serializer: string): MessageHeader => ({
  uuid: randomUUID(),
  messageClass: 'ChainedPackedDeflated',
  version: 1,
  publishedAt: new Date().toISOString(),
  publisherPid: 1,
  from: 'attacker',
  serializer,
});

describe.each([
  ['pub/sub', (prefix: string): Transport => new RedisPubSubTransport({ prefix, logger: silent })],
  ['Streams', (prefix: string): Transport => new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent })],
])('serializer chains over Redis %s, end to end', (kind, transportFor) => {
  const keys = uniquePrefix(`chains-${kind === 'pub/sub' ? 'pubsub' : 'streams'}`);
  const buses: MessageBus[] = [];
  const tap = new WireTap(kind as WireKind);
  let prefix: string;
  let received: object[];
  let undeliverable: UndeliverableMessage[];
  let publisher: MessageBus;

  beforeEach(async () => {
    prefix = `${keys}${randomUUID().slice(0, 6)}:`;
    received = [];
    undeliverable = [];
    const subscriber = new MessageBus({
      entity: 'chain-receiver',
      logger: silent,
      transports: { redis: transportFor(prefix) },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    publisher = new MessageBus({ entity: 'chain-sender', logger: silent, transports: { redis: transportFor(prefix) } });
    buses.push(subscriber, publisher);
    for (const type of [ChainedPacked, ChainedPackedDeflated, ChainedJsonBrotli] as MessageType<object>[])
      await subscriber.subscribe(type, (message) => void received.push(message));
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

  /** The frames of a class as Redis holds them, parsed. */
  async function wireFrames(messageClass: string): Promise<Record<string, unknown>[]> {
    return (await tap.frames(messageClass)).map((frame) => JSON.parse(frame) as Record<string, unknown>);
  }

  it('carries msgpack as data_base64 labelled application/msgpack, bytes properties included', async () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    await publisher.publish(Object.assign(new ChainedPacked(), { seq: 1, bytes }));
    await waitFor(() => received.length === 1, 'the msgpack message');

    expect(received[0]).toBeInstanceOf(ChainedPacked);
    expect(received[0]).toMatchObject({ seq: 1 });
    expect(new Uint8Array((received[0] as ChainedPacked).bytes)).toEqual(bytes);
    await waitFor(async () => (await wireFrames('ChainedPacked')).length === 1, 'the frame on the wire');
    const [frame] = await wireFrames('ChainedPacked');
    expect(frame).toMatchObject({ datacontenttype: 'application/msgpack', smserializer: 'msgpack' });
    expect(frame).toHaveProperty('data_base64');
    expect(frame).not.toHaveProperty('smcontentencoding');
  });

  it.each([
    ['msgpack+deflate', ChainedPackedDeflated, 'application/msgpack', 'deflate'],
    ['json+br', ChainedJsonBrotli, 'application/json', 'br'],
  ])('carries %s compressed, and the handler gets the message', async (chain, type, contentType, encoding) => {
    await publisher.publish(Object.assign(new type(), { seq: 2, body: BODY }));
    await waitFor(() => received.length === 1, `the ${chain} message`);

    expect(received).toEqual([Object.assign(new type(), { seq: 2, body: BODY })]);
    await waitFor(async () => (await wireFrames(type.name)).length === 1, 'the frame on the wire');
    const [frame] = await wireFrames(type.name);
    expect(frame).toMatchObject({ datacontenttype: contentType, smserializer: chain, smcontentencoding: encoding });
    expect(String(frame!.data_base64).length).toBeLessThan(BODY.length / 4);
    expect(JSON.stringify(frame)).not.toContain('line item');
  });

  it('sends a small msgpack+deflate message uncompressed, named msgpack, and it is accepted', async () => {
    await publisher.publish(Object.assign(new ChainedPackedDeflated(), { seq: 3, body: 'short' }));
    await waitFor(() => received.length === 1, 'the small message');

    expect(received).toEqual([Object.assign(new ChainedPackedDeflated(), { seq: 3, body: 'short' })]);
    await waitFor(async () => (await wireFrames('ChainedPackedDeflated')).length === 1, 'the frame on the wire');
    expect((await wireFrames('ChainedPackedDeflated'))[0]).toMatchObject({ smserializer: 'msgpack' });
  });

  it('refuses a decompression bomb as undecodable, and keeps consuming', async () => {
    const bomb = deflateSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    const transport = publisher.transport('redis');
    await transport.publish({
      header: attackerHeader('msgpack+deflate'),
      payload: bomb,
    });
    await publisher.publish(Object.assign(new ChainedPackedDeflated(), { seq: 4, body: BODY }));
    await waitFor(() => received.length === 1 && undeliverable.length === 1, 'the rejection and the next message');

    expect(undeliverable[0]).toMatchObject({
      reason: 'undecodable',
      envelope: { header: { from: 'attacker', serializer: 'msgpack+deflate' } },
      error: { name: 'DecompressionLimitError', code: 'SM_DECOMPRESSION_LIMIT' },
    });
    expect(received).toEqual([Object.assign(new ChainedPackedDeflated(), { seq: 4, body: BODY })]);
    if (kind === 'Streams') {
      const redis = new Redis();
      await waitFor(
        async () => ((await redis.xpending(`${prefix}ChainedPackedDeflated`, 'chain-receiver')) as [number])[0] === 0,
        'both entries acknowledged',
      );
      redis.disconnect();
    }
  });

  it('refuses a downgrade to plain json for a msgpack+deflate class', async () => {
    const transport = publisher.transport('redis');
    await transport.publish({
      header: attackerHeader('json'),
      payload: JSON.stringify({ seq: 5, body: 'downgraded' }),
    });
    await waitFor(() => undeliverable.length === 1, 'the rejection');

    expect(received).toEqual([]);
    expect(undeliverable[0]).toMatchObject({
      reason: 'undecodable',
      error: { name: 'SerializerNotAllowedError', code: 'SM_SERIALIZER_NOT_ALLOWED' },
    });
  });
});
