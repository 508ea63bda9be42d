import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { Message, MessageBus, Transport, UndeliverableMessage } from '@smart-message/nestjs';
import { RedisPubSubTransport, RedisStreamsTransport, RubySmartMessageCodec } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from './support/redis-keys';

// Its own name per run: the Ruby codec publishes on the bare type name, with no prefix.
const typeName = `Hostile${randomUUID().slice(0, 8)}`;

@Message({ name: typeName, from: 'board' })
class Announcement {
  @IsString() @MaxLength(280) text!: string;
  @IsIn(['info', 'warning']) severity!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const LONG = 'x'.repeat(400);

/** Payloads whose keys JSON.parse keeps as own properties; each breaks @MaxLength and @IsIn. */
const INVALID: [string, string][] = [
  ['__proto__', `{"__proto__":{},"text":"${LONG}","severity":"root"}`],
  ['constructor', `{"constructor":{},"text":"${LONG}","severity":"root"}`],
  ['both', `{"constructor":"Object","__proto__":{"text":"hi"},"text":"${LONG}","severity":"root"}`],
];
/** Valid otherwise: handled, as a true instance, without the hostile key or what it carried. */
const VALID = `{"__proto__":{"isAdmin":true},"constructor":{"name":"Admin"},"text":"hi","severity":"info","isAdmin":true}`;

/** A CloudEvents frame as anyone with write access to Redis can write one; `sized` takes the reader's fast path. */
function cloudEvent(data: string, sized: boolean): string {
  const attributes = {
    specversion: '1.0',
    id: randomUUID(),
    source: '/intruder',
    type: typeName,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    smversion: 1,
    smfrom: 'intruder',
    smpublisherpid: 1,
    smserializer: 'json',
    ...(sized ? { smdatalength: data.length } : {}),
  };
  return `${JSON.stringify(attributes).slice(0, -1)},"data":${data}}`;
}

/** A Ruby SmartMessage frame: the payload's properties beside `_sm_header`. */
function rubyFrame(data: string): string {
  const header = {
    uuid: randomUUID(),
    message_class: typeName,
    published_at: '2026-01-01 10:00:00 +0000',
    publisher_pid: 1,
    version: 1,
    from: 'intruder',
    serializer: 'SmartMessage::Serializer::Json',
  };
  return `{"_sm_header":${JSON.stringify(header)},${data.slice(1)}`;
}

interface DecodePath {
  name: string;
  transport(prefix: string): Transport;
  write(redis: Redis, prefix: string, data: string): Promise<unknown>;
}

const PATHS: DecodePath[] = [
  {
    name: 'RedisPubSubTransport (frame read whole)',
    transport: (prefix) => new RedisPubSubTransport({ prefix, logger: silent }),
    write: (redis, prefix, data) => redis.publish(`${prefix}${typeName}`, cloudEvent(data, false)),
  },
  {
    name: 'RedisPubSubTransport (frame sliced)',
    transport: (prefix) => new RedisPubSubTransport({ prefix, logger: silent }),
    write: (redis, prefix, data) => redis.publish(`${prefix}${typeName}`, cloudEvent(data, true)),
  },
  {
    name: 'RedisStreamsTransport',
    transport: (prefix) => new RedisStreamsTransport({ prefix, blockMs: 100, logger: silent }),
    write: (redis, prefix, data) => redis.xadd(`${prefix}${typeName}`, '*', 'frame', cloudEvent(data, false)),
  },
  {
    name: 'RubySmartMessageCodec over pub/sub',
    transport: () => new RedisPubSubTransport({ prefix: '', codec: new RubySmartMessageCodec(), logger: silent }),
    write: (redis, _prefix, data) => redis.publish(typeName, rubyFrame(data)),
  },
];

describe.each(PATHS)('hostile payload keys through $name', (path) => {
  const redis = new Redis();
  let prefix: string;
  let bus: MessageBus;
  let received: Announcement[];
  let undeliverable: UndeliverableMessage[];

  beforeEach(async () => {
    prefix = uniquePrefix('hostile');
    received = [];
    undeliverable = [];
    bus = new MessageBus({
      entity: 'board',
      transports: { redis: path.transport(prefix) },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
    await bus.subscribe(Announcement, (message) => void received.push(message));
    await bus.start();
  });

  afterEach(async () => {
    await bus.shutdown(1000);
    await deleteKeys(prefix);
  });

  afterAll(() => redis.disconnect());

  it.each(INVALID)('validates a payload with %s and dead-letters it as invalid', async (_case, data) => {
    await path.write(redis, prefix, data);
    await waitFor(() => undeliverable.length + received.length > 0, 'the hostile message to be dealt with');
    await bus.idle();

    expect(received).toEqual([]);
    expect(undeliverable.map((event) => [event.reason, event.error.code])).toEqual([
      ['invalid', 'SM_VALIDATION_FAILED'],
    ]);
  });

  it('hands a valid payload with __proto__ and constructor keys over as a true instance, without them', async () => {
    await path.write(redis, prefix, VALID);
    await waitFor(() => undeliverable.length + received.length > 0, 'the message');

    expect(undeliverable).toEqual([]);
    const message = received[0]!;
    expect(Object.getPrototypeOf(message)).toBe(Announcement.prototype);
    expect(message.constructor).toBe(Announcement);
    expect(Object.keys(message).sort()).toEqual(['severity', 'text']);
    expect((message as unknown as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
