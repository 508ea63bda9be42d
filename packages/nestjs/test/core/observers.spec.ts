import 'reflect-metadata';
import { IsString } from 'class-validator';
import { HandlerCall, Message, MessageBus, MessageContext, MessageObserver } from '@smart-message/nestjs';
import { waitFor } from './wait-for';

@Message({ from: 'tests' })
class Observed {
  @IsString() text!: string;
}

const observed = (text: string): Observed => Object.assign(new Observed(), { text });

describe('message observers', () => {
  it('see publishes, deliveries, filter decisions, handler calls and failures, in order', async () => {
    const events: string[] = [];
    const tracing: MessageObserver = {
      beforePublish: (envelope) => ({
        ...envelope,
        header: { ...envelope.header, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
      }),
      afterPublish: (envelope, transport, error) =>
        void events.push(
          `published ${envelope.header.traceparent ? 'traced' : ''} via ${transport}${error ? ' failed' : ''}`,
        ),
    };
    const recorder: MessageObserver = {
      received: (envelope) => void events.push(`received ${envelope.header.messageClass}`),
      filteredOut: (_envelope, handlerId) => void events.push(`filtered ${handlerId}`),
      aroundHandler: async (call: HandlerCall, run) => {
        events.push(`start ${call.handlerId}`);
        try {
          await run();
          events.push(`end ${call.handlerId}`);
        } catch (error) {
          events.push(`error ${call.handlerId} ${(error as Error).message}`);
          throw error;
        }
      },
      undeliverable: (event) => void events.push(`undeliverable ${event.handlerId} ${event.reason}`),
    };
    const bus = new MessageBus({ entity: 'tests', observers: [tracing, recorder] });
    const contexts: MessageContext[] = [];
    await bus.subscribe(Observed, (_m, context) => void contexts.push(context), { to: 'nobody' });
    await bus.subscribe(Observed, (m, context) => {
      contexts.push(context);
      if (m.text === 'boom') throw new Error('boom');
    });
    await bus.start();

    const header = await bus.publish(observed('fine'));
    await waitFor(() => events.includes('end Observed.subscriber_2'), 'the handler to end');
    await bus.publish(observed('boom'));
    await waitFor(() => events.some((e) => e.startsWith('undeliverable')), 'the failure');

    expect(header.traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
    expect(contexts[0]!.header.traceparent).toBe(header.traceparent);
    expect(events).toEqual([
      'published traced via memory',
      'received Observed',
      'filtered Observed.subscriber_1',
      'start Observed.subscriber_2',
      'end Observed.subscriber_2',
      'published traced via memory',
      'received Observed',
      'filtered Observed.subscriber_1',
      'start Observed.subscriber_2',
      'error Observed.subscriber_2 boom',
      'undeliverable Observed.subscriber_2 handler-failed',
    ]);
    await bus.shutdown();
  });
});
