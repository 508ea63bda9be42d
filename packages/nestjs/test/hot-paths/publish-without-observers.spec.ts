import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { IsInt, IsString, Min } from 'class-validator';
import {
  Envelope,
  MemoryTransport,
  Message,
  MessageBus,
  MessageBusOptions,
  MessageHeader,
  MessageObserver,
  SmartMessageError,
  Transport,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { described, Outcome, UuidNames } from './support/outcome';

/**
 * Shortcut: with no observer and no publish circuit breaker, `publish()` hands the sealed
 * envelope straight to its transport with one `.then`, and is not `async`: a refusal becomes a
 * rejection by hand (bus/publisher.ts). Its twins go through the general path: one with an
 * observer that looks at every publish and changes nothing, one with a publish circuit breaker
 * that never opens.
 */

@Message({ name: 'PublishProbe', from: 'hot-paths' })
class PublishProbe {
  @IsString() text!: string;
  @IsInt() @Min(0) count!: number;
}

@Message({ name: 'ScriptedProbe', from: 'hot-paths', transport: 'scripted' })
class ScriptedProbe {
  @IsString() answer!: string;
}

/** A transport whose publish answers as the message asks: resolves, rejects, throws, or returns nothing at all. */
class ScriptedTransport implements Transport {
  readonly kind = 'scripted';
  readonly taken: Envelope[] = [];

  publish(envelope: Envelope): Promise<void> {
    const { answer } = JSON.parse(envelope.payload as string) as { answer: string };
    if (answer === 'throw') throw new Error('the broker threw');
    this.taken.push(envelope);
    if (answer === 'reject') return Promise.reject(new Error('the broker refused'));
    if (answer === 'nothing') return undefined as unknown as Promise<void>; // typed loosely, as a test double may be
    return Promise.resolve();
  }

  async subscribe(): Promise<{ unsubscribe(): Promise<void> }> {
    return { unsubscribe: async () => undefined };
  }

  async close(): Promise<void> {}
}

const context = new AsyncLocalStorage<string>();
const probe = (text: string, count: number): PublishProbe => Object.assign(new PublishProbe(), { text, count });
const scripted = (answer: string): ScriptedProbe => Object.assign(new ScriptedProbe(), { answer });

async function runPublishes(extra: Partial<MessageBusOptions>): Promise<Outcome> {
  const names = new UuidNames();
  const memory = new MemoryTransport({ retain: 100 });
  const scriptedTransport = new ScriptedTransport();
  const bus = new MessageBus({
    entity: 'hot-paths',
    transports: { memory, scripted: scriptedTransport },
    ...extra,
  });
  const events: unknown[] = [];
  const received: unknown[] = [];
  await bus.subscribe(PublishProbe, (message, messageContext) => {
    received.push({
      message: described(message),
      header: names.header(messageContext.header),
      context: context.getStore(),
    });
    // Published from inside a handler: joins the conversation of the message being handled.
    if (message.count === 1) void bus.publish(probe('follow-up', 2));
  });
  await bus.start();

  // Each publish is made inside an async context of its own, as a request handler's would be.
  const attempt = (label: string, publish: () => Promise<unknown>): Promise<void> =>
    context.run(label, async () => {
      let returned: Promise<unknown> | undefined;
      let outcome: unknown;
      try {
        returned = publish();
      } catch (error) {
        outcome = { threwSynchronously: String(error) };
      }
      if (returned !== undefined) {
        try {
          outcome = { resolved: names.header((await returned) as MessageHeader) };
        } catch (error) {
          const failure = error as SmartMessageError & { violations?: unknown };
          outcome = {
            rejected: {
              name: failure.name,
              code: failure.code,
              message: failure.message,
              violations: failure.violations,
            },
          };
        }
      }
      // After the await, the caller is in its own context again.
      events.push({ label, outcome, contextAfter: context.getStore() });
    });

  await attempt('valid', () => bus.publish(probe('a', 0)));
  await attempt('invalid payload', () => bus.publish(probe('b', -1)));
  await attempt('invalid header', () => bus.publish(probe('c', 0), { to: '' }));
  await attempt('starts a conversation', () => bus.publish(probe('d', 1)));
  await attempt('transport resolves', () => bus.publish(scripted('ok')));
  await attempt('transport rejects', () => bus.publish(scripted('reject')));
  await attempt('transport throws', () => bus.publish(scripted('throw')));
  await attempt('transport answers without a promise', () => bus.publish(scripted('nothing')));
  await waitFor(
    () => received.length === 3,
    () => `3 deliveries (${received.length})`,
  );
  await bus.shutdown();
  await attempt('after shutdown', () => bus.publish(probe('e', 0)));

  return {
    events: [
      ...events,
      ...received.map((delivery) => ({ delivery })),
      { sent: memory.published().map((envelope) => names.envelope(envelope)) },
      { sentToScripted: scriptedTransport.taken.map((envelope) => names.envelope(envelope)) },
      { counted: bus.statistics.snapshot().transports },
    ],
  };
}

describe('hot path: publish without observers or a publish circuit breaker', () => {
  let direct: Outcome;

  beforeAll(async () => {
    direct = await runPublishes({});
  });

  it('ends as it does past an observer that changes nothing', async () => {
    const seen: string[] = [];
    const observer: MessageObserver = {
      beforePublish: (envelope) => void seen.push(`before ${envelope.header.messageClass}`),
      afterPublish: (envelope) => void seen.push(`after ${envelope.header.messageClass}`),
    };
    expect(await runPublishes({ observers: [observer] })).toEqual(direct);
    expect(seen.length).toBeGreaterThan(0); // the twin did take the general path
  });

  it('ends as it does through a publish circuit breaker that never opens', async () => {
    expect(await runPublishes({ publishCircuitBreaker: { threshold: 1000 } })).toEqual(direct);
  });

  it('refuses by rejecting, never by throwing, and keeps the caller’s context (so the twins cannot agree on a wrong outcome)', () => {
    expect(direct.events).toEqual(
      expect.arrayContaining([
        {
          label: 'invalid payload',
          outcome: { rejected: expect.objectContaining({ code: 'SM_VALIDATION_FAILED' }) },
          contextAfter: 'invalid payload',
        },
        {
          label: 'transport throws',
          outcome: { rejected: expect.objectContaining({ message: 'the broker threw' }) },
          contextAfter: 'transport throws',
        },
        {
          label: 'after shutdown',
          outcome: { rejected: expect.objectContaining({ code: 'SM_BUS_CLOSED' }) },
          contextAfter: 'after shutdown',
        },
        {
          delivery: expect.objectContaining({
            message: { class: 'PublishProbe', text: 'follow-up', count: 2 },
            header: expect.objectContaining({ correlationId: '#2', causationId: '#2' }),
            context: 'starts a conversation',
          }),
        },
      ]),
    );
  });
});
