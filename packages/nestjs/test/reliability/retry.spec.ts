import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  Message,
  MessageBus,
  MessageContext,
  MessageStatistics,
  NonRetryableError,
  Retry,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ from: 'tests' })
class Task {
  @IsString() id!: string;
}

@Message({ from: 'tests', retry: { attempts: 2, initialDelayMs: 1, jitter: 'none' } })
class TypedRetryTask {
  @IsString() id!: string;
}

const task = (id: string): Task => Object.assign(new Task(), { id });

class TransientError extends Error {}

/** Each handler fails as its message's id says, and records when each attempt started. */
@Injectable()
class FlakyHandlers {
  readonly attempts = new Map<string, { attempt: number; at: number }[]>();
  readonly handled: string[] = [];

  private record(key: string, context: MessageContext): number {
    const list = this.attempts.get(key) ?? [];
    list.push({ attempt: context.attempt, at: performance.now() });
    this.attempts.set(key, list);
    return list.length;
  }

  @Subscribe()
  @Retry({ attempts: 3, initialDelayMs: 20, backoff: 'exponential', jitter: 'none' })
  twiceThenFine(message: Task, context: MessageContext): void {
    const calls = this.record(`twice:${message.id}`, context);
    if (message.id.startsWith('flaky') && calls < 3) throw new TransientError(`attempt ${calls} failed`);
    if (message.id.startsWith('broken')) throw new TransientError('still broken');
    if (message.id.startsWith('fatal')) throw new NonRetryableError('cannot work');
    this.handled.push(message.id);
  }

  @Subscribe()
  @Retry({ attempts: 4, initialDelayMs: 1, retryOn: [TransientError] })
  onlyTransient(message: Task, context: MessageContext): void {
    this.record(`only:${message.id}`, context);
    if (message.id.startsWith('other')) throw new TypeError('not transient');
  }

  @Subscribe()
  typed(message: TypedRetryTask, context: MessageContext): void {
    this.record(`typed:${message.id}`, context);
    throw new TransientError('typed fails');
  }
}

describe('@Retry on message handlers', () => {
  let app: INestApplication;
  let handlers: FlakyHandlers;
  let undeliverable: UndeliverableMessage[];

  const boot = async (options: Partial<SmartMessageModuleOptions> = {}): Promise<void> => {
    undeliverable = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'tests',
          logger: false,
          onUndeliverable: (event) => void undeliverable.push(event),
          ...options,
        }),
      ],
      providers: [FlakyHandlers],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    handlers = app.get(FlakyHandlers);
  };

  afterEach(() => app?.close());

  it('handles a message that fails twice then succeeds, once, on attempt 3', async () => {
    await boot();
    await app.get(MessageBus).publish(task('flaky-1'));
    await waitFor(() => handlers.handled.includes('flaky-1'), 'the third attempt to succeed');

    expect(handlers.attempts.get('twice:flaky-1')!.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(handlers.handled).toEqual(['flaky-1']);
    expect(undeliverable.filter((event) => event.handlerId === 'FlakyHandlers.twiceThenFine')).toEqual([]);
    expect(app.get(MessageStatistics).forHandler('FlakyHandlers.twiceThenFine')).toMatchObject({
      succeeded: 1,
      failed: 0,
      retried: 2,
    });
  });

  it('dead-letters a message that always fails once, with its error, after the configured attempts and backoff', async () => {
    await boot();
    await app.get(MessageBus).publish(task('broken-1'));
    await waitFor(
      () => undeliverable.some((event) => event.handlerId === 'FlakyHandlers.twiceThenFine'),
      'the dead letter',
    );

    const attempts = handlers.attempts.get('twice:broken-1')!;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Exponential without jitter: 20 ms, then 40 ms (timers never fire early by more than a rounding).
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(19);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(39);
    const dead = undeliverable.filter((event) => event.handlerId === 'FlakyHandlers.twiceThenFine');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      reason: 'handler-failed',
      attempt: 3,
      error: { name: 'Error', message: 'still broken' },
    });
    expect(dead[0]!.error.stack).toContain('still broken');
  });

  it('never retries NonRetryableError, nor errors outside retryOn', async () => {
    await boot();
    const bus = app.get(MessageBus);
    await bus.publish(task('fatal-1'));
    await bus.publish(task('other-1'));
    await waitFor(() => undeliverable.length >= 2, 'both failures');

    expect(handlers.attempts.get('twice:fatal-1')!.map((a) => a.attempt)).toEqual([1]);
    expect(handlers.attempts.get('only:other-1')!.map((a) => a.attempt)).toEqual([1]);
    expect(undeliverable.find((event) => event.handlerId === 'FlakyHandlers.onlyTransient')).toMatchObject({
      error: { name: 'TypeError' },
    });
  });

  it('takes the policy from @Message({ retry }) before the module default', async () => {
    await boot({ retry: { attempts: 5, initialDelayMs: 1, jitter: 'none' } });
    await app.get(MessageBus).publish(Object.assign(new TypedRetryTask(), { id: 't-1' }));
    await waitFor(
      () => undeliverable.some((event) => event.handlerId === 'FlakyHandlers.typed'),
      'the typed dead letter',
    );
    expect(handlers.attempts.get('typed:t-1')!.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('continues from the delivery count of a redelivered message instead of starting over', async () => {
    await boot();
    const bus = app.get(MessageBus);
    const published = await bus.publish(task('broken-2'));
    await waitFor(() => undeliverable.length > 0, 'the first run to end');
    handlers.attempts.clear();
    undeliverable.length = 0;
    // What a durable transport does on its second delivery after a crash.
    const envelope = {
      header: { ...published, uuid: 'redelivered-uuid' },
      payload: JSON.stringify({ id: 'broken-2' }),
    };
    const result = await bus.dispatcher.dispatch(envelope, 'memory', { attempt: 2, redelivers: true });

    expect(handlers.attempts.get('twice:broken-2')!.map((a) => a.attempt)).toEqual([2, 3]);
    // Exhausted: final even on a redelivering transport, so it is dead-lettered and acknowledged.
    expect(result.deferred.map((d) => d.handlerId)).not.toContain('FlakyHandlers.twiceThenFine');
    expect(result.failed.find((f) => f.handlerId === 'FlakyHandlers.twiceThenFine')).toMatchObject({
      reason: 'handler-failed',
    });
  });
});
