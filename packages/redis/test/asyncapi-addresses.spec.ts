import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsString } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport } from '@smart-message/redis';
import { deleteKeys, streamEntries, uniquePrefix } from './support/redis-keys';

@Message({ name: 'AddressedWork', transport: 'streams' })
class AddressedWork {
  @IsString() text!: string;
}

@Message({ name: 'AddressedNotice', transport: 'pubsub' })
class AddressedNotice {
  @IsString() text!: string;
}

describe('the AsyncAPI channel address of a Redis transport', () => {
  const prefix = uniquePrefix('asyncapi');
  let bus: MessageBus;

  beforeAll(async () => {
    bus = new MessageBus({
      entity: 'addresses',
      transports: {
        streams: new RedisStreamsTransport({ prefix, blockMs: 200 }),
        pubsub: new RedisPubSubTransport({ prefix }),
      },
    });
    await bus.start();
  });

  afterAll(async () => {
    await bus.shutdown();
    await deleteKeys(prefix);
  });

  it('is the stream key the frame is appended to', async () => {
    const { address } = bus.catalog.toAsyncApi().channels['AddressedWork.streams']!;
    expect(address).toBe(`${prefix}AddressedWork`);

    await bus.publish(Object.assign(new AddressedWork(), { text: 'pack it' }));
    expect(await streamEntries(address)).toHaveLength(1);
  });

  it('is the pub/sub channel the frame is published on', async () => {
    const { address } = bus.catalog.toAsyncApi().channels['AddressedNotice.pubsub']!;
    expect(address).toBe(`${prefix}AddressedNotice`);

    const listener = new Redis('redis://127.0.0.1:6379');
    try {
      const received = new Promise<string>((resolve) => listener.on('message', (channel: string) => resolve(channel)));
      await listener.subscribe(address);
      await bus.publish(Object.assign(new AddressedNotice(), { text: 'heads up' }));
      expect(await received).toBe(address);
    } finally {
      listener.disconnect();
    }
  });
});
