import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsString } from 'class-validator';
import { DeadLetterEntry, DeadLetterQueue, Message, MessageBus, UNKNOWN_MESSAGE_CLASS } from '@smart-message/nestjs';
import { RedisDeadLetterStore, RedisPubSubTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'MeterRead', from: 'meters' })
class MeterRead {
  @IsString() meterId!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('dead letters over Redis', () => {
  const redis = new Redis();
  let prefix: string;
  let store: RedisDeadLetterStore;
  let queue: DeadLetterQueue;
  let bus: MessageBus;
  let failing: boolean;
  let read: string[];

  beforeEach(async () => {
    prefix = uniquePrefix('dead-letters-bus');
    failing = false;
    read = [];
    store = new RedisDeadLetterStore({ prefix: `${prefix}dlq:` });
    queue = new DeadLetterQueue(store);
    bus = new MessageBus({
      entity: 'billing',
      transports: { pubsub: new RedisPubSubTransport({ prefix, logger: silent }) },
      onUndeliverable: (event) => queue.record(event),
    });
    queue.connect(bus);
    await bus.subscribe(MeterRead, (message) => {
      if (failing) throw new Error(`meter ${message.meterId} unknown`);
      read.push(message.meterId);
    });
    await bus.start();
  });

  afterEach(async () => {
    await bus.shutdown(1000);
    await queue.close();
    await deleteKeys(prefix);
  });

  afterAll(() => redis.disconnect());

  async function onlyEntry(): Promise<DeadLetterEntry> {
    await waitFor(async () => (await queue.list()).total === 1, 'one dead letter');
    return (await queue.list()).entries[0]!;
  }

  it('keeps a frame pub/sub could not decode, raw, and does not pretend it can replay it', async () => {
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x01]);
    await redis.publish(`${prefix}MeterRead`, garbage);

    const entry = await onlyEntry();
    expect(entry).toMatchObject({
      reason: 'undecodable',
      transport: 'pubsub',
      attempts: 1,
      error: { code: 'SM_FRAME_DECODE' },
    });
    expect(entry.envelope).toBeUndefined();
    expect(entry.handlerId).toBeUndefined();
    expect(entry.frame).toEqual(new Uint8Array(garbage));
    expect((await queue.stats()).byMessageClass).toEqual({ [UNKNOWN_MESSAGE_CLASS]: 1 });
    expect((await queue.replay(entry.id)).outcomes).toEqual([
      expect.objectContaining({ id: entry.id, status: 'skipped' }),
    ]);

    // The same bytes again are the same dead letter, seen twice.
    await redis.publish(`${prefix}MeterRead`, garbage);
    await waitFor(async () => (await queue.get(entry.id))?.attempts === 2, 'the second sighting');
  });

  it('replays a handler failure from the Redis store back through Redis pub/sub', async () => {
    failing = true;
    const header = await bus.publish(Object.assign(new MeterRead(), { meterId: 'M-7' }));
    const entry = await onlyEntry();
    expect(entry).toMatchObject({
      reason: 'handler-failed',
      envelope: { header },
      error: { message: 'meter M-7 unknown' },
    });

    failing = false;
    const report = await queue.replay(entry.id, { via: 'transport' });

    expect(report.outcomes).toEqual([{ id: entry.id, via: 'transport', status: 'replayed' }]);
    await waitFor(() => read.length === 1, 'the replayed reading');
    expect(read).toEqual(['M-7']);
    expect(await queue.stats()).toMatchObject({ total: 0 });
  });
});
