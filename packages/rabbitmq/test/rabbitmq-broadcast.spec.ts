import { randomBytes } from 'node:crypto';
import type { Channel, ConfirmChannel, Message } from 'amqplib';
import { DeliveryInfo, FrameRejection } from '@smart-message/nestjs/transport-kit';
import { RabbitMqBroadcastTransport } from '@smart-message/rabbitmq';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { startRabbitMqProxy, TcpProxy } from './support/tcp-proxy';
import { TestTopology, withChannel } from './support/test-broker';

jest.setTimeout(30_000);

const topology = new TestTopology();
const transports: RabbitMqBroadcastTransport[] = [];
const group = 'dashboard';
const wait = { timeoutMs: 15_000 };
let proxy: TcpProxy;

beforeEach(async () => {
  proxy = await startRabbitMqProxy();
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((created) => created.close()));
  await proxy.close();
});

afterAll(async () => {
  await topology.cleanup();
});

function broadcast(options: Parameters<TestTopology['broadcast']>[0] = {}): RabbitMqBroadcastTransport {
  const created = topology.broadcast({ url: proxy.url(), ...options });
  transports.push(created);
  return created;
}

function className(label: string): string {
  return `RabbitBroadcast${label}_${randomBytes(4).toString('hex')}`;
}

function queueOf(created: RabbitMqBroadcastTransport): string {
  return created.status().subscriptions[0].queue;
}

/** Whether a queue exists, asked from a connection of the test's own (an exclusive queue of another connection answers 405). */
async function exists(queue: string): Promise<boolean> {
  return withChannel(async (channel) =>
    channel.checkQueue(queue).then(
      () => true,
      (error: { code?: number }) => {
        if (error.code === 404) return false;
        if (error.code === 405) return true; // RESOURCE_LOCKED: exclusive to the transport's connection
        throw error;
      },
    ),
  );
}

async function consumersOf(created: RabbitMqBroadcastTransport): Promise<number> {
  const health = await created.health(2000);
  const queues = (health.details.queues ?? []) as { consumerCount: number }[];
  return queues[0]?.consumerCount ?? -1;
}

describe('RabbitMqBroadcastTransport', () => {
  it('gives each of two instances of one service every message, once, on a server-named exclusive queue of its own', async () => {
    const messageClass = className('Both');
    const instances = [broadcast(), broadcast()];
    const received: number[][] = [[], []];
    const deliveries: DeliveryInfo[] = [];
    for (const [index, instance] of instances.entries())
      await instance.subscribe(
        messageClass,
        async (envelope, delivery) => {
          received[index].push(sequenceOf(envelope));
          deliveries.push(delivery);
        },
        { concurrency: 3, group },
      );
    const [first, second] = instances.map(queueOf);
    expect(first).toMatch(/^amq\.gen-/);
    expect(first).not.toBe(second);

    for (let sequence = 0; sequence < 30; sequence++) await instances[0].publish(envelopeOf(messageClass, sequence));
    await waitFor(
      () => received.every((list) => list.length >= 30),
      () => `30 each, got ${received.map((list) => list.length).join(' and ')}`,
      wait,
    );
    await instances[1].publish(envelopeOf(messageClass, 30));
    await waitFor(() => received.every((list) => list.includes(30)), 'the last message at both', wait);
    for (const list of received) expect(list.sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    // Every delivery is a first one: at-most-once, nothing is ever redelivered.
    expect(deliveries.every((delivery) => delivery.attempt === 1 && !delivery.redelivers)).toBe(true);
  });

  it('does not deliver a failed message again', async () => {
    const messageClass = className('Failed');
    const created = broadcast();
    const calls: number[] = [];
    await created.subscribe(
      messageClass,
      async (envelope) => {
        calls.push(sequenceOf(envelope));
        if (sequenceOf(envelope) === 0) throw new Error('fails once, is not redelivered');
      },
      { concurrency: 1, group },
    );
    await created.publish(envelopeOf(messageClass, 0));
    await created.publish(envelopeOf(messageClass, 1));
    await waitFor(() => calls.includes(1), 'the message after the failed one', wait);
    expect(calls).toEqual([0, 1]);
  });

  it('comes back after the proxy dropped its connections with exactly one consumer on a new queue, the old one gone, and receives each message once', async () => {
    const messageClass = className('Drop');
    const created = broadcast();
    const received: number[] = [];
    await created.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 2,
      group,
    });
    const before = queueOf(created);
    expect(await exists(before)).toBe(true);
    await created.publish(envelopeOf(messageClass, 0));
    await waitFor(() => received.length === 1, 'the first message', wait);

    proxy.dropAll();
    await waitFor(
      async () => created.status().subscriptions[0]?.restores === 1 && (await created.health(2000)).up,
      'the transport to report up again',
      wait,
    );
    expect(created.status()).toMatchObject({ consumer: { reconnects: 1 }, publisher: { reconnects: 1 } });
    const after = queueOf(created);
    expect(after).not.toBe(before);
    expect(await exists(before)).toBe(false);
    expect(await consumersOf(created)).toBe(1);

    for (let sequence = 1; sequence <= 50; sequence++) await created.publish(envelopeOf(messageClass, sequence));
    await waitFor(
      () => received.length >= 51,
      () => `51 messages, got ${received.length}`,
      wait,
    );
    await created.publish(envelopeOf(messageClass, 51));
    await waitFor(() => received.includes(51), 'the last message', wait);
    expect(received.sort((a, b) => a - b)).toEqual(Array.from({ length: 52 }, (_, index) => index));
  });

  it('declares a new queue when the broker closed the consumer channel (unknown delivery tag); the old queue goes with its consumer', async () => {
    const messageClass = className('ChannelError');
    const created = broadcast();
    const received: number[] = [];
    await created.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 1,
      group,
    });
    const before = queueOf(created);
    // A double ack's effect, through the private API (the test hook): 406 PRECONDITION_FAILED closes the channel.
    const consumers = (created as unknown as { consumers: Set<{ channel?: Channel }> }).consumers;
    [...consumers][0].channel?.ack({ fields: { deliveryTag: 999 } } as unknown as Message);

    await waitFor(
      () => created.status().subscriptions[0]?.restores === 1 && created.status().subscriptions[0]?.consuming,
      'the consumer to be restored',
      wait,
    );
    expect(queueOf(created)).not.toBe(before);
    // Auto-delete: the old queue went when its only consumer's channel closed, the connection stayed.
    expect(await exists(before)).toBe(false);
    expect(created.status().consumer.reconnects).toBe(0);
    expect(await consumersOf(created)).toBe(1);
    for (let sequence = 0; sequence < 5; sequence++) await created.publish(envelopeOf(messageClass, sequence));
    await waitFor(() => received.length === 5, 'five messages after the restore', wait);
    expect(received).toEqual([0, 1, 2, 3, 4]);
  });

  it('bounds what a slow handler leaves queued: past maxQueuedMessages the oldest go, publishers are not slowed, health warns', async () => {
    const messageClass = className('Slow');
    const created = broadcast({ maxQueuedMessages: 10 });
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const received: number[] = [];
    await created.subscribe(
      messageClass,
      async (envelope) => {
        received.push(sequenceOf(envelope));
        await blocked;
      },
      { concurrency: 1, group },
    );
    await created.publish(envelopeOf(messageClass, 0));
    await waitFor(() => received.length === 1, 'the first message in its handler', wait);
    // Every publish is confirmed although the queue is full: drop-head, not reject-publish.
    for (let sequence = 1; sequence <= 30; sequence++) await created.publish(envelopeOf(messageClass, sequence));

    const health = await created.health(2000);
    expect(health.details.queues).toEqual([expect.objectContaining({ messageCount: 10 })]);
    expect(health.details.warnings).toEqual([expect.stringMatching(/holds maxQueuedMessages \(10\)/)]);
    // backlog() counts this instance's own queue: capped at maxQueuedMessages, one consumer (ours).
    expect(await created.backlog(2000)).toEqual([
      expect.objectContaining({ group, messageClass, queue: queueOf(created), ready: 10, leased: 0, consumers: 1 }),
    ]);
    release();
    await waitFor(
      () => received.length === 11,
      () => `11 messages, got ${received.length}`,
      wait,
    );
    expect(received).toEqual([0, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
  });

  it('reports an undecodable frame once and never redelivers it, while the others flow', async () => {
    const messageClass = className('Garbage');
    const created = broadcast();
    const received: number[] = [];
    const rejections: FrameRejection[] = [];
    await created.subscribe(messageClass, async (envelope) => void received.push(sequenceOf(envelope)), {
      concurrency: 1,
      group,
      onReject: (rejection) => rejections.push(rejection),
    });
    await withChannel(async (channel) => {
      channel.publish(topology.prefix, messageClass, Buffer.from('{"not":"a cloudevent"'));
      await (channel as ConfirmChannel).waitForConfirms();
    }, true);
    await created.publish(envelopeOf(messageClass, 1));
    await waitFor(() => received.length === 1 && rejections.length === 1, 'the frame reported and one message', wait);
    expect(rejections[0]).toMatchObject({ reason: 'undecodable', attempt: 1 });
    await created.publish(envelopeOf(messageClass, 2));
    await waitFor(() => received.includes(2), 'the next message', wait);
    expect(rejections).toHaveLength(1);
  });

  it('refuses a maxQueuedMessages that is not a positive integer', () => {
    expect(() => new RabbitMqBroadcastTransport({ maxQueuedMessages: 0 })).toThrow(/maxQueuedMessages/);
  });
});
