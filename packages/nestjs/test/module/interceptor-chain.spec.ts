import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  Message,
  MessageBus,
  MessageContext,
  SmartMessageModule,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'ChainedJob', from: 'tests' })
class ChainedJob {
  @IsString() id!: string;
}

/** Records each call's attempt; a job `always-*` always fails, a job `once-*` fails its first call. */
@Injectable()
class ChainedHandler {
  readonly calls: string[] = [];

  @Subscribe()
  run(job: ChainedJob, context: MessageContext): void {
    this.calls.push(`${job.id}#${context.attempt}`);
    const callsOfJob = this.calls.filter((call) => call.startsWith(`${job.id}#`)).length;
    if (job.id.startsWith('always') || (job.id.startsWith('once') && callsOfJob === 1))
      throw new Error('downstream timeout');
  }
}

describe('module-wide interceptors nest as deduplication › retry › circuit breaker', () => {
  let app: INestApplication;
  let undeliverable: UndeliverableMessage[];

  beforeEach(async () => {
    undeliverable = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'tests',
          logger: false,
          deadLetters: false,
          onUndeliverable: (event) => void undeliverable.push(event),
          deduplication: {},
          retry: { attempts: 4, initialDelayMs: 100, backoff: 'fixed' },
          circuitBreaker: { threshold: 2, halfOpenAfterMs: 60_000 },
        }),
      ],
      providers: [ChainedHandler],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterEach(() => app.close());

  it('passes every retry attempt through the breaker, so attempts stop once it opens', async () => {
    const handler = app.get(ChainedHandler);
    await app.get(MessageBus).publish(Object.assign(new ChainedJob(), { id: 'always' }));
    await waitFor(() => undeliverable.length === 1, 'the final failure');
    // Retry outside the breaker: two failing attempts open it and the third is refused uncalled.
    // The other order would make all four attempts and count them as one failure.
    expect(handler.calls).toEqual(['always#1', 'always#2']);
    expect(undeliverable[0]).toMatchObject({ reason: 'circuit-open' });
  });

  it('holds a delivery as in progress across its retries, so a duplicate arriving during the backoff is skipped', async () => {
    const handler = app.get(ChainedHandler);
    const bus = app.get(MessageBus);
    const header = await bus.publish(Object.assign(new ChainedJob(), { id: 'once' }));
    await waitFor(() => handler.calls.length === 1, 'the first, failing attempt');
    // The same message again (a redelivery or a replay) while retry waits to try again.
    await bus.publishEnvelope({ header, payload: JSON.stringify({ id: 'once' }) });
    await waitFor(() => handler.calls.length === 2, 'the retried attempt');
    await bus.idle();
    // Deduplication inside retry would hold no mark during the backoff: the duplicate would run.
    expect(handler.calls).toEqual(['once#1', 'once#2']);
    expect(undeliverable).toEqual([]);
  });
});
