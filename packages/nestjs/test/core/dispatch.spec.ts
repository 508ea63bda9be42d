import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { MemoryTransport, Message, MessageBus, MessageContext, UndeliverableMessage } from '@smart-message/nestjs';
import { settled, waitFor } from './wait-for';

@Message()
class Job {
  @IsInt() sequence = 0;
}

@Message()
class Reading {
  @IsString() sensor = 'thermo-1';
}

/** Published, but nobody in this service subscribes to it. */
@Message()
class Unheard {
  @IsString() note = 'ignored';
}

const job = (sequence: number): Job => Object.assign(new Job(), { sequence });

/** Lets timers and other macrotasks run, so a handler really is suspended mid-call. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('dispatching to handlers', () => {
  let bus: MessageBus;
  let undeliverable: UndeliverableMessage[];

  beforeEach(() => {
    undeliverable = [];
    bus = new MessageBus({
      entity: 'plant',
      transports: { memory: new MemoryTransport() },
      onUndeliverable: (event) => void undeliverable.push(event),
    });
  });

  afterEach(async () => {
    await bus.shutdown();
  });

  describe('handler isolation', () => {
    it('keeps delivering to the other handlers and to later messages when one handler throws', async () => {
      const healthySeen: number[] = [];
      const failingTried: number[] = [];
      const ids: Record<'healthy' | 'failing', string> = { healthy: '', failing: '' };
      await bus.subscribe(Job, (message, context) => {
        ids.failing = context.handlerId;
        failingTried.push(message.sequence);
        throw new Error(`job ${message.sequence} exploded`);
      });
      await bus.subscribe(Job, (message, context) => {
        ids.healthy = context.handlerId;
        healthySeen.push(message.sequence);
      });
      await bus.start();

      for (const sequence of [1, 2, 3]) await bus.publish(job(sequence));
      await settled(bus, 'Job', 3);
      for (const sequence of [4, 5]) await bus.publish(job(sequence));
      await settled(bus, 'Job', 5);

      expect(healthySeen).toEqual([1, 2, 3, 4, 5]);
      expect(failingTried).toEqual([1, 2, 3, 4, 5]);
      expect(bus.statistics.forHandler(ids.failing)).toMatchObject({ delivered: 5, failed: 5, succeeded: 0 });
      expect(bus.statistics.forHandler(ids.healthy)).toMatchObject({ delivered: 5, failed: 0, succeeded: 5 });
      expect(
        undeliverable.map(({ reason, handlerId, error }) => ({ reason, handlerId, message: error.message })),
      ).toEqual(
        [1, 2, 3, 4, 5].map((sequence) => ({
          reason: 'handler-failed',
          handlerId: ids.failing,
          message: `job ${sequence} exploded`,
        })),
      );
    });

    it('treats a rejected promise like a throw', async () => {
      const healthySeen: number[] = [];
      await bus.subscribe(Job, async () => {
        await yieldToEventLoop();
        throw new Error('async failure');
      });
      await bus.subscribe(Job, (message) => void healthySeen.push(message.sequence));
      await bus.start();

      await bus.publish(job(1));
      await bus.publish(job(2));
      await settled(bus, 'Job', 2);

      expect(healthySeen).toEqual([1, 2]);
      expect(undeliverable.map(({ reason }) => reason)).toEqual(['handler-failed', 'handler-failed']);
    });
  });

  describe('concurrency', () => {
    it('never runs more than `concurrency` calls of a handler at once, and finishes them all', async () => {
      let running = 0;
      let mostAtOnce = 0;
      const finished: number[] = [];
      await bus.subscribe(
        Job,
        async (message) => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await yieldToEventLoop();
          await yieldToEventLoop();
          running--;
          finished.push(message.sequence);
        },
        { concurrency: 3 },
      );
      await bus.start();

      for (let sequence = 0; sequence < 20; sequence++) await bus.publish(job(sequence));
      await waitFor(() => finished.length === 20, 'all 20 jobs to finish');

      expect(mostAtOnce).toBe(3);
      expect([...finished].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('keeps publish order under concurrency 1 even when handler calls take different times', async () => {
      const completed: number[] = [];
      await bus.subscribe(
        Job,
        async (message) => {
          // Calls that wait would be overtaken by calls that do not, if two ever ran together.
          if (message.sequence % 2 === 0) await yieldToEventLoop();
          completed.push(message.sequence);
        },
        { concurrency: 1 },
      );
      await bus.start();

      for (let sequence = 0; sequence < 100; sequence++) await bus.publish(job(sequence));
      await waitFor(() => completed.length === 100, 'all 100 jobs to complete');

      expect(completed).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });
  });

  describe('statistics', () => {
    it('counts published and received per type, and delivered, filtered out, succeeded and failed per handler', async () => {
      const ids: Record<'north' | 'broadcasts' | 'all', string> = { north: '', broadcasts: '', all: '' };
      await bus.subscribe(Reading, (_message, context) => void (ids.north = context.handlerId), { to: 'north' });
      await bus.subscribe(
        Reading,
        (_message, context) => {
          ids.broadcasts = context.handlerId;
          throw new Error('broadcasts are not handled yet');
        },
        { broadcast: true },
      );
      await bus.subscribe(Reading, (_message, context) => void (ids.all = context.handlerId));
      await bus.start();

      await bus.publish(new Reading(), { to: 'north' });
      await bus.publish(new Reading(), { to: 'north' });
      await bus.publish(new Reading(), { to: 'south' });
      await bus.publish(new Reading());
      await bus.publish(new Unheard());
      await settled(bus, 'Reading', 4);

      const snapshot = bus.statistics.snapshot();
      expect(snapshot.messageTypes).toEqual({
        Reading: { published: 4, received: 4 },
        Unheard: { published: 1, received: 0 },
      });
      expect(snapshot.handlers[ids.north]).toMatchObject({
        messageClass: 'Reading',
        delivered: 2,
        filteredOut: 2,
        succeeded: 2,
        failed: 0,
        duration: { count: 2 },
      });
      expect(snapshot.handlers[ids.broadcasts]).toMatchObject({
        delivered: 1,
        filteredOut: 3,
        succeeded: 0,
        failed: 1,
        duration: { count: 1 },
      });
      expect(snapshot.handlers[ids.all]).toMatchObject({
        delivered: 4,
        filteredOut: 0,
        succeeded: 4,
        failed: 0,
        duration: { count: 4 },
      });
      const duration = snapshot.handlers[ids.all]!.duration;
      expect(duration.minMs).toBeLessThanOrEqual(duration.maxMs);
      expect(duration.meanMs).toBeCloseTo(duration.totalMs / 4);
    });
  });

  describe('bus.subscribe', () => {
    it('returns an unsubscribe function after which the handler receives nothing', async () => {
      const leavingSeen: number[] = [];
      const stayingSeen: number[] = [];
      const unsubscribe = await bus.subscribe(Job, (message) => void leavingSeen.push(message.sequence));
      await bus.subscribe(Job, (message) => void stayingSeen.push(message.sequence));
      await bus.start();

      await bus.publish(job(1));
      await settled(bus, 'Job', 1);
      await unsubscribe();
      await bus.publish(job(2));
      await settled(bus, 'Job', 2);

      expect(leavingSeen).toEqual([1]);
      expect(stayingSeen).toEqual([1, 2]);
      expect(bus.routes()).toHaveLength(1);
    });

    it('stops the transport subscription when the last handler of a type leaves', async () => {
      const seen: number[] = [];
      const unsubscribe = await bus.subscribe(Job, (message) => void seen.push(message.sequence));
      // Another type on the same transport: once its message arrived, an earlier one would have too.
      await bus.subscribe(Reading, () => undefined);
      await bus.start();
      await bus.publish(job(1));
      await settled(bus, 'Job', 1);

      await unsubscribe();
      await bus.publish(job(2));
      await bus.publish(new Reading());
      await settled(bus, 'Reading', 1);

      expect(seen).toEqual([1]);
      expect(bus.statistics.forType('Job')).toEqual({ published: 2, received: 1 });
    });
  });

  describe('MessageContext', () => {
    it('gives the handler the header, transport name, attempt and its handler id', async () => {
      const contexts: MessageContext[] = [];
      const received: Job[] = [];
      await bus.subscribe(Job, (message, context) => {
        received.push(message);
        contexts.push(context);
      });
      await bus.subscribe(Job, (_message, context) => void contexts.push(context));
      await bus.start();

      const published = job(7);
      const header = await bus.publish(published, { to: 'plant' });
      await settled(bus, 'Job', 1);

      expect(contexts).toHaveLength(2);
      for (const context of contexts) {
        expect(context).toBeInstanceOf(MessageContext);
        expect(context.header).toEqual(header);
        expect(context.transport).toBe('memory');
        expect(context.attempt).toBe(1);
      }
      const handlerIds = contexts.map((context) => context.handlerId);
      expect(new Set(handlerIds).size).toBe(2);
      expect(Object.keys(bus.statistics.snapshot().handlers).sort()).toEqual([...handlerIds].sort());
      expect(handlerIds.every((id) => id.startsWith('Job.'))).toBe(true);
      // The handler gets a decoded copy, as over a network, not the publisher's object.
      expect(received[0]).toEqual(published);
      expect(received[0]).toBeInstanceOf(Job);
      expect(received[0]).not.toBe(published);
    });
  });
});
