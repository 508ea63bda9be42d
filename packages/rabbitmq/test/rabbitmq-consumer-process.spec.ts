import { randomBytes } from 'node:crypto';
import type { DeliveryInfo } from '@smart-message/nestjs/transport-kit';
import { RabbitMqTransport } from '@smart-message/rabbitmq';
import { waitFor } from '@smart-message/testing';
import { ConsumerProcess } from './support/consumer-process';
import { envelopeOf, sequenceOf } from './support/envelopes';
import { TestTopology, TEST_RABBITMQ_URL, withChannel } from './support/test-broker';

// Each case spawns a node process (ts-node) that consumes beside this one; a loaded machine
// takes seconds to start it.
jest.setTimeout(60_000);

const topology = new TestTopology();
const transports: RabbitMqTransport[] = [];
const children: ConsumerProcess[] = [];
const group = 'shipping';
const wait = { timeoutMs: 30_000 };

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()));
  await Promise.all(transports.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await topology.cleanup();
});

function transport(): RabbitMqTransport {
  const created = topology.transport();
  transports.push(created);
  return created;
}

function consumerProcess(messageClass: string, concurrency: number): ConsumerProcess {
  const child = new ConsumerProcess({
    url: TEST_RABBITMQ_URL,
    prefix: topology.prefix,
    messageClass,
    group,
    concurrency,
  });
  children.push(child);
  return child;
}

function className(label: string): string {
  return `RabbitProcess${label}_${randomBytes(4).toString('hex')}`;
}

async function readyCount(queue: string): Promise<number> {
  return withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
}

describe('RabbitMqTransport with a consumer process', () => {
  it('hands the unacknowledged messages of a consumer process killed with SIGKILL to the other consumer: every message handled, no duplicate', async () => {
    const messageClass = className('Killed');
    const child = consumerProcess(messageClass, 4);
    await child.waitFor('the consumer process to subscribe', (events) => events.some((e) => e.event === 'ready'));

    const survivor = transport();
    const handled: { sequence: number; attempt: number }[] = [];
    await survivor.subscribe(
      messageClass,
      async (envelope, delivery: DeliveryInfo) =>
        void handled.push({ sequence: sequenceOf(envelope), attempt: delivery.attempt }),
      { concurrency: 2, group },
    );
    const total = 20;
    for (let sequence = 0; sequence < total; sequence++) await survivor.publish(envelopeOf(messageClass, sequence));

    // The child holds its prefetch (concurrency 4) in handlers that never finish; the survivor takes the rest.
    await child.waitFor('the consumer process to hold 4 messages', () => child.sequences('started').length === 4);
    await waitFor(
      () => handled.length === total - 4,
      () => `the survivor to handle the other ${total - 4}, got ${handled.length}`,
      wait,
    );
    const held = child.sequences('started');
    expect(handled.filter(({ sequence }) => held.includes(sequence))).toEqual([]);

    await child.kill();
    await waitFor(
      () => handled.length >= total,
      () => `all ${total} messages, got ${handled.length}`,
      wait,
    );
    // The flush: a message after all others, so a duplicate would have arrived before it.
    await survivor.publish(envelopeOf(messageClass, total));
    await waitFor(() => handled.some(({ sequence }) => sequence === total), 'the last message', wait);

    const sequences = handled.map(({ sequence }) => sequence).filter((sequence) => sequence < total);
    expect(sequences.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, index) => index));
    // Only what the killed process held came again, counted by the broker as a second delivery.
    const redelivered = handled.filter(({ attempt }) => attempt > 1).map(({ sequence }) => sequence);
    expect(redelivered.sort((a, b) => a - b)).toEqual([...held].sort((a, b) => a - b));
    expect(child.sequences('handled')).toEqual([]);
  });

  it('drains on SIGTERM: handlers in flight finish and are acknowledged, nothing new is taken, the rest stays for the next consumer', async () => {
    const messageClass = className('Terminated');
    const child = consumerProcess(messageClass, 3);
    await child.waitFor('the consumer process to subscribe', (events) => events.some((e) => e.event === 'ready'));
    const publisher = transport();
    const queue = publisher.queueOf(group, messageClass);
    topology.track(queue);
    const total = 12;
    for (let sequence = 0; sequence < total; sequence++) await publisher.publish(envelopeOf(messageClass, sequence));
    await child.waitFor('the consumer process to hold 3 messages', () => child.sequences('started').length === 3);
    const inFlight = child.sequences('started');

    child.terminate();
    await child.waitFor('the consumer process to begin closing', (events) => events.some((e) => e.event === 'closing'));
    // close() waits for the handlers: the process is still up, holding its three.
    expect(child.events.some((entry) => entry.event === 'closed')).toBe(false);
    child.release();
    expect(await child.whenExited()).toBe(0);

    expect(child.sequences('started')).toEqual(inFlight);
    expect(child.sequences('handled').sort((a, b) => a - b)).toEqual([...inFlight].sort((a, b) => a - b));
    // Acknowledged before the channel closed: only the nine never started are back in the queue.
    await waitFor(async () => (await readyCount(queue)) === total - 3, 'nine ready messages', wait);

    const next = transport();
    const handled: number[] = [];
    await next.subscribe(messageClass, async (envelope) => void handled.push(sequenceOf(envelope)), {
      concurrency: 3,
      group,
    });
    await waitFor(
      () => handled.length === total - 3,
      () => `nine messages, got ${handled.length}`,
      wait,
    );
    await next.publish(envelopeOf(messageClass, total));
    await waitFor(() => handled.includes(total), 'the last message', wait);
    const rest = Array.from({ length: total }, (_, index) => index).filter((sequence) => !inFlight.includes(sequence));
    expect(handled.filter((sequence) => sequence < total).sort((a, b) => a - b)).toEqual(rest);
  });
});
