import { Envelope, MessageHeader } from '@smart-message/nestjs';
import { DeliveryInfo, DeliveryQueue, FrameRejection } from '@smart-message/nestjs/transport-kit';
import { waitFor } from '@smart-message/testing';

/**
 * Shortcut: `DeliveryQueue.enqueue` queues a delivery nobody waits for without the promise of
 * `push` (transports/delivery-queue.ts); at-most-once transports use it. Its twin hands the same
 * deliveries over with `push` and ignores the promises.
 */

const header = (uuid: string): MessageHeader => ({
  uuid,
  messageClass: 'QueueProbe',
  version: 1,
  publishedAt: '2026-11-27T00:00:00.000Z',
  publisherPid: 1,
  from: 'hot-paths',
  serializer: 'json',
});
const envelope = (uuid: string): Envelope => ({ header: header(uuid), payload: '{}' });
const FIRST: DeliveryInfo = { attempt: 1 };

type HandOver = (queue: DeliveryQueue, envelope: Envelope) => void;
const enqueue: HandOver = (queue, item) => queue.enqueue(item, FIRST);
const push: HandOver = (queue, item) => void queue.push(item, FIRST).catch(() => undefined);

/** Handlers that finish, throw at once, reject, or wait for the test to let them go. */
async function run(handOver: HandOver, maxQueued?: number, abandonAfter?: number) {
  const trail: string[] = [];
  const rejections: string[] = [];
  const held: (() => void)[] = [];
  const queue = new DeliveryQueue(
    (item) => {
      const { uuid } = item.header;
      trail.push(`start ${uuid} (running ${queue.running}, queued ${queue.queued})`);
      if (uuid.startsWith('throw')) throw new Error(`${uuid} threw`);
      if (uuid.startsWith('reject')) return Promise.reject(new Error(`${uuid} rejected`));
      return new Promise<void>((resolve) => held.push(() => (trail.push(`end ${uuid}`), resolve())));
    },
    {
      concurrency: 2,
      group: 'hot-paths',
      ...(maxQueued === undefined ? {} : { maxQueued }),
      onReject: (rejection: FrameRejection) =>
        void rejections.push(`${rejection.reason} ${rejection.envelope?.header.uuid}: ${rejection.error.message}`),
    },
  );
  const uuids = ['a', 'throw-b', 'c', 'reject-d', 'e', 'f', 'g', 'h'];
  for (const uuid of uuids) handOver(queue, envelope(uuid));
  if (abandonAfter !== undefined) {
    await waitFor(() => held.length >= abandonAfter, `${abandonAfter} held calls`);
    trail.push(`abandoned ${queue.abandonWaiting(true)}`);
  }
  // Let the held calls go one by one, oldest first, until nothing runs or waits.
  while (queue.running + queue.queued > 0) {
    await waitFor(() => held.length > 0 || queue.running + queue.queued === 0, 'a held call or an idle queue');
    held.shift()?.();
  }
  await queue.idle();
  // Starts are the queue's to order; when a held call ends is the test's doing, so ends are a set.
  return {
    starts: trail.filter((line) => !line.startsWith('end')),
    ends: trail.filter((line) => line.startsWith('end')).sort(),
    rejections,
    running: queue.running,
    queued: queue.queued,
  };
}

describe('hot path: DeliveryQueue.enqueue without a promise', () => {
  it('runs the same calls in the same order within the concurrency, past handlers that throw or reject', async () => {
    const queued = await run(enqueue);
    expect(queued).toEqual(await run(push));
    expect(queued.ends).toContain('end h');
  });

  it('refuses the same overflow', async () => {
    const queued = await run(enqueue, 3);
    expect(queued).toEqual(await run(push, 3));
    expect(queued.rejections.length).toBeGreaterThan(0);
  });

  it('reports the same deliveries abandoned at shutdown', async () => {
    const queued = await run(enqueue, undefined, 2);
    expect(queued).toEqual(await run(push, undefined, 2));
    expect(queued.rejections.some((line) => line.startsWith('shutdown'))).toBe(true);
  });
});
