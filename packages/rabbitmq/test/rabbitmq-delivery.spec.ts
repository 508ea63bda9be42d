import { randomBytes } from 'node:crypto';
import type { Channel, ConfirmChannel, Message } from 'amqplib';
import { Envelope } from '@smart-message/nestjs';
import { CloudEventsFrameCodec, FrameRejection } from '@smart-message/nestjs/transport-kit';
import { RabbitMqInvalidNameError, RabbitMqTransport } from '@smart-message/rabbitmq';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { TestTopology, withChannel } from './support/test-broker';

jest.setTimeout(30_000);

const topology = new TestTopology();
const transports: RabbitMqTransport[] = [];
const group = 'orders';
const wait = { timeoutMs: 15_000 };

function transport(options: Parameters<TestTopology['transport']>[0] = {}): RabbitMqTransport {
  const created = topology.transport(options);
  transports.push(created);
  return created;
}

function className(label: string): string {
  return `Rabbit${label}_${randomBytes(4).toString('hex')}`;
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await topology.cleanup();
});

/** The first subscription's channel, reached past the private API: the test hook for channel errors. */
function consumerChannelOf(created: RabbitMqTransport): Channel {
  const consumers = (created as unknown as { consumers: Set<{ channel?: Channel }> }).consumers;
  const channel = [...consumers][0]?.channel;
  if (!channel) throw new Error('no consumer channel');
  return channel;
}

async function consumerCount(queue: string): Promise<number> {
  return withChannel(async (channel) => (await channel.checkQueue(queue)).consumerCount);
}

/** Every message the broker dead-lettered into `queue`, taken off it. */
async function drain(queue: string): Promise<Message[]> {
  return withChannel(async (channel) => {
    const messages: Message[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) return messages;
      messages.push(message);
    }
  });
}

describe('RabbitMqTransport delivery', () => {
  it('redelivers a failing message with the broker-counted attempt and dead-letters it as poison after maxDeliveries while others flow', async () => {
    const messageClass = className('Poison');
    const created = transport({ maxDeliveries: 3 });
    const attempts: number[] = [];
    const handled: number[] = [];
    const rejections: FrameRejection[] = [];
    await created.subscribe(
      messageClass,
      async (envelope, delivery) => {
        const sequence = sequenceOf(envelope);
        if (sequence === 0) {
          attempts.push(delivery.attempt);
          throw new Error('always fails');
        }
        handled.push(sequence);
      },
      { concurrency: 2, group, onReject: (rejection) => rejections.push(rejection) },
    );
    for (let sequence = 0; sequence <= 10; sequence++) await created.publish(envelopeOf(messageClass, sequence));

    await waitFor(() => rejections.length === 1 && handled.length === 10, 'the poison report and 10 others', wait);
    expect(attempts).toEqual([1, 2, 3]);
    expect(rejections[0]).toMatchObject({ reason: 'poison', attempt: 3 });
    expect(sequenceOf(rejections[0].envelope as Envelope)).toBe(0);
    expect(handled.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const deadLetterQueue = created.deadLetterQueueOf(group, messageClass);
    let dead: Message[] = [];
    await waitFor(
      async () => (dead = dead.concat(await drain(deadLetterQueue))).length >= 1,
      'the broker to dead-letter it',
      wait,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
    expect(sequenceOf(new CloudEventsFrameCodec().decode(dead[0].content))).toBe(0);
  });

  it('sets aside an undecodable and an oversized frame (reported, dead-lettered, not requeued) and keeps delivering', async () => {
    const messageClass = className('Garbage');
    const created = transport({ maxFrameBytes: 2048 });
    const received: number[] = [];
    const rejections: FrameRejection[] = [];
    await created.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 1,
      group,
      onReject: (rejection) => rejections.push(rejection),
    });
    await withChannel(async (channel) => {
      channel.publish(topology.prefix, messageClass, Buffer.from('this is not a frame'));
      channel.publish(topology.prefix, messageClass, Buffer.alloc(5000, 'x'));
      await (channel as ConfirmChannel).waitForConfirms();
    }, true);
    await created.publish(envelopeOf(messageClass, 1));

    await waitFor(
      () => received.length === 1 && rejections.length === 2,
      () =>
        `${received.length} messages, rejections ${JSON.stringify(rejections.map((r) => [r.reason, r.error.message]))}`,
      wait,
    );
    expect(rejections.map(({ reason }) => reason)).toEqual(['undecodable', 'undecodable']);
    expect(rejections.map(({ attempt }) => attempt)).toEqual([1, 1]);
    expect(rejections[1].frame).toHaveLength(1024);
    expect(rejections[1].error.message).toMatch(/5000/);
    let dead: Message[] = [];
    await waitFor(
      async () => (dead = dead.concat(await drain(created.deadLetterQueueOf(group, messageClass)))).length >= 2,
      'both frames in the dead letter queue',
      wait,
    );
    expect(dead.map((message) => message.properties.headers?.['x-first-death-reason'])).toEqual([
      'rejected',
      'rejected',
    ]);
  });

  it('restores the consumer after the broker closed its channel (unknown delivery tag), and it still receives', async () => {
    const messageClass = className('ChannelError');
    const created = transport();
    const received: number[] = [];
    await created.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 1,
      group,
    });
    const queue = created.queueOf(group, messageClass);
    const before = consumerChannelOf(created);
    // A double ack's effect: the broker answers 406 PRECONDITION_FAILED and closes the channel.
    before.ack({ fields: { deliveryTag: 999 } } as unknown as Message);

    await waitFor(
      () => created.status().subscriptions[0]?.restores === 1 && created.status().subscriptions[0]?.consuming,
      'the consumer to be restored',
      wait,
    );
    expect(created.status().subscriptions[0].lastError).toMatch(/PRECONDITION_FAILED|unknown delivery tag/);
    expect(consumerChannelOf(created)).not.toBe(before);
    for (let sequence = 0; sequence < 5; sequence++) await created.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => received.length === 5, 'five messages after the restore', wait);
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(await consumerCount(queue)).toBe(1);
  });

  it('declares the queue again and consumes when the broker cancels the consumer (queue deleted under it)', async () => {
    const messageClass = className('Cancelled');
    const created = transport();
    const received: number[] = [];
    await created.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 3,
      group,
    });
    const queue = created.queueOf(group, messageClass);
    await withChannel((channel) => channel.deleteQueue(queue));

    await waitFor(() => created.status().subscriptions[0]?.restores === 1, 'the consumer to be restored', wait);
    await waitFor(async () => (await consumerCount(queue)) === 1, 'one consumer on the new queue', wait);
    for (let sequence = 0; sequence < 5; sequence++) await created.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => received.length === 5, 'five messages after the restore', wait);
    expect(received.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
  });

  it('opens a new publisher channel after the broker closed it for a publish to a deleted exchange, and the publish goes through', async () => {
    const messageClass = className('MissingExchange');
    const created = transport();
    await created.start();
    await withChannel((channel) => channel.deleteExchange(topology.prefix));
    // The first try meets 404 NOT_FOUND and a closed channel; the new channel declares the exchange again.
    await created.publish(envelopeOf(messageClass, 1));
    expect(created.status().publisher.channelsOpened).toBe(2);
    await created.publish(envelopeOf(messageClass, 2));
  });

  it('refuses message classes and groups a topic binding would read as a pattern', async () => {
    const created = transport();
    await expect(created.publish(envelopeOf('Order.*', 1))).rejects.toBeInstanceOf(RabbitMqInvalidNameError);
    await expect(created.subscribe('Order#', async () => undefined, { concurrency: 1, group })).rejects.toMatchObject({
      code: 'SM_RABBITMQ_INVALID_NAME',
    });
  });

  it('reports health: the connections, one consumer per queue, and a queue deeper than maxLag', async () => {
    const messageClass = className('Health');
    const created = transport();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    await created.subscribe(messageClass, () => blocked, { concurrency: 1, group });
    const healthy = await created.health(2000);
    expect(healthy.up).toBe(true);
    expect(healthy.details).toMatchObject({
      publisher: { connection: 'ready', channelOpen: true },
      consumer: { connection: 'ready' },
      queues: [{ queue: created.queueOf(group, messageClass), consumerCount: 1 }],
    });

    // One delivery held by the blocked handler (prefetch 1), the other four ready in the queue.
    for (let sequence = 0; sequence < 5; sequence++) await created.publish(envelopeOf(messageClass, sequence));
    await waitFor(
      async () => ((await created.health(2000)).details.queues as { messageCount: number }[])[0].messageCount === 4,
      'four ready messages',
      wait,
    );
    const lagging = await created.health(2000, { maxLag: 2 });
    expect(lagging.up).toBe(false);
    expect(lagging.details.problems).toEqual([`${messageClass} (${group}): lag 4 above 2`]);
    // Unacknowledged counts are not over AMQP: maxPending cannot make it down.
    expect((await created.health(2000, { maxLag: 10, maxPending: 0 })).up).toBe(true);
    release();
    await created.close();
    expect((await created.health(2000)).up).toBe(false);
  });

  it('reports backlog(): the ready messages and consumers of each subscribed queue, N ready reported as N', async () => {
    const messageClass = className('Backlog');
    const created = transport();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    await created.subscribe(messageClass, () => blocked, { concurrency: 1, group });
    expect(await created.backlog(2000)).toEqual([
      {
        group,
        messageClass,
        queue: created.queueOf(group, messageClass),
        ready: 0,
        delayed: 0,
        leased: 0,
        oldestDueAgeMs: 0,
        consumers: 1,
      },
    ]);

    // Prefetch 1 and a blocked handler: one delivery held, the other six ready in the queue.
    for (let sequence = 0; sequence < 7; sequence++) await created.publish(envelopeOf(messageClass, sequence));
    await waitFor(async () => (await created.backlog(2000))[0]?.ready === 6, 'six ready messages', wait);
    const [row] = await created.backlog(2000);
    expect(row).toMatchObject({ group, messageClass, ready: 6, leased: 0, consumers: 1 });
    release();
    await waitFor(async () => (await created.backlog(2000))[0]?.ready === 0, 'the queue drained', wait);
    await created.close();
    await expect(created.backlog(2000)).rejects.toMatchObject({ code: 'SM_TRANSPORT_CLOSED' });
  });
});
