import 'reflect-metadata';
import { Redis } from 'ioredis';
import { IsInt } from 'class-validator';
import { Message, MessageBus } from '@smart-message/nestjs';
import { RedisStreamsTransport } from '@smart-message/redis';
import { waitFor } from '@smart-message/testing';
import { deleteKeys, uniquePrefix } from '../support/redis-keys';

@Message({ name: 'TypedOrder', from: 'tests' })
class TypedOrder {
  @IsInt() seq!: number;
}

@Message({ name: 'TypedRefund', from: 'tests' })
class TypedRefund {
  @IsInt() seq!: number;
}

interface Logged {
  message: string;
  fields?: Record<string, unknown>;
}

describe('Redis Streams with a key of the wrong type in a consumer group', () => {
  const prefix = uniquePrefix('streams-wrong-type');
  const redis = new Redis();
  const buses: MessageBus[] = [];
  let testPrefix: string;
  let errors: Logged[];
  let orders: number[];
  let refunds: number[];

  const start = async (): Promise<RedisStreamsTransport> => {
    errors = [];
    orders = [];
    refunds = [];
    const logger = {
      log: () => undefined,
      warn: () => undefined,
      error: (message: string, fields?: Record<string, unknown>) => void errors.push({ message, fields }),
    };
    const transport = new RedisStreamsTransport({ prefix: testPrefix, blockMs: 100, claimIntervalMs: 100, logger });
    const bus = new MessageBus({ entity: 'typed', transports: { streams: transport } });
    buses.push(bus);
    await bus.subscribe(TypedOrder, (m) => void orders.push(m.seq));
    await bus.subscribe(TypedRefund, (m) => void refunds.push(m.seq));
    await bus.start();
    return transport;
  };
  const publishOrders = async (bus: MessageBus, seqs: number[]): Promise<void> => {
    for (const seq of seqs) await bus.publish(Object.assign(new TypedOrder(), { seq }));
  };
  const refundStream = (): string => `${testPrefix}TypedRefund`;

  beforeEach(() => {
    testPrefix = `${prefix}${Math.random().toString(36).slice(2, 8)}:`;
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.shutdown(1000)));
  });

  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  const expectReported = async (transport: RedisStreamsTransport): Promise<void> => {
    const logged = errors.find((error) => error.fields?.code === 'SM_STREAM_WRONG_TYPE');
    expect(logged?.fields).toMatchObject({ stream: refundStream(), type: 'string', group: 'typed' });
    expect(String(logged?.fields?.error)).toContain(`${refundStream()} holds a string, not a stream`);
    const health = await transport.health(1000);
    expect(health.up).toBe(false);
    const groups = health.details.groups as Record<string, { streams: Record<string, unknown> }>;
    expect(groups.typed!.streams[refundStream()]).toMatchObject({ down: true, code: 'SM_STREAM_WRONG_TYPE' });
    expect(transport.status().groups[0]!.failedStreams).toEqual([refundStream()]);
  };

  it('keeps reading the other streams when one key is replaced by a string, and reads it again once it is a stream', async () => {
    const transport = await start();
    const [bus] = buses;
    await publishOrders(bus!, [1]);
    await waitFor(() => orders.length === 1, 'the first order');

    await redis.del(refundStream());
    await redis.set(refundStream(), 'not a stream');
    await publishOrders(bus!, [2, 3, 4]);
    await waitFor(
      () => orders.length === 4,
      () => `orders handled while the refund key is a string (${orders.join(', ')})`,
    );
    expect(orders).toEqual([1, 2, 3, 4]);
    await waitFor(
      () => errors.some((error) => error.fields?.code === 'SM_STREAM_WRONG_TYPE'),
      'the wrong key to be reported',
    );
    await expectReported(transport);

    // Retried on the claim timer: once the key is gone, the stream is read again.
    await redis.del(refundStream());
    await waitFor(() => transport.status().groups[0]!.failedStreams.length === 0, 'the refund stream to be read again');
    await bus!.publish(Object.assign(new TypedRefund(), { seq: 9 }));
    await waitFor(() => refunds.length === 1, 'the refund published after the fix');
    expect(refunds).toEqual([9]);
    await waitFor(async () => (await transport.health(1000)).up, 'health to be up again');
  });

  it('starts and reads the other streams when a subscribed key already has the wrong type', async () => {
    await redis.set(refundStream(), 'not a stream');
    const transport = await start();
    await publishOrders(buses[0]!, [1, 2]);
    await waitFor(
      () => orders.length === 2,
      () => `orders handled (${orders.join(', ')})`,
    );
    await expectReported(transport);
  });
});
