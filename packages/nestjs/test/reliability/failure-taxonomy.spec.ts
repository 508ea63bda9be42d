import 'reflect-metadata';
import { INestApplication, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import {
  CircuitOpenError,
  Message,
  MessageBus,
  MessageRejectedError,
  MessageUnauthorizedError,
  MessageValidationError,
  NonRetryableError,
  Retry,
  RetriesExhaustedError,
  SmartMessageModule,
  Subscribe,
  UndeliverableMessage,
  UndeliverableReason,
  UnexpectedReplyError,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { envelopeOf, TappedMemoryTransport } from '../core/tapped-memory-transport';

/** Every kind of failure, and what each part of the library must decide about it. */
const KINDS: {
  kind: string;
  error: () => Error;
  /** Reported reason on a transport that does not redeliver. */
  reason: UndeliverableReason;
  /** Kept with a durable broker for redelivery instead of reported. */
  redelivered: boolean;
  /** Attempted again by `@Retry`. */
  retried: boolean;
  /** Opens a breaker of threshold 1. */
  countsAgainstBreaker: boolean;
}[] = [
  {
    kind: 'a guard refusal',
    error: () => new MessageRejectedError('Handlers.fail'),
    reason: 'rejected',
    redelivered: false,
    retried: false,
    countsAgainstBreaker: false,
  },
  {
    kind: 'an authorization deny',
    error: () => new MessageUnauthorizedError('Handlers.fail', 'TaxonomyJob', 'mallory', 'not allowed'),
    reason: 'unauthorized',
    redelivered: false,
    retried: false,
    countsAgainstBreaker: false,
  },
  {
    kind: 'an unexpected reply',
    error: () => new UnexpectedReplyError('Reply', 'c-1', 'mallory', ['payments']),
    reason: 'unexpected-reply',
    redelivered: false,
    retried: false,
    countsAgainstBreaker: false,
  },
  {
    kind: 'a validation failure',
    error: () => new MessageValidationError('Order', []),
    reason: 'handler-failed',
    redelivered: false,
    retried: false,
    countsAgainstBreaker: false,
  },
  {
    kind: 'a NonRetryableError',
    error: () => new NonRetryableError('cannot work'),
    reason: 'handler-failed',
    redelivered: false,
    retried: false,
    countsAgainstBreaker: false,
  },
  {
    kind: 'exhausted retries',
    error: () => new RetriesExhaustedError('Handlers.fail', 3, new Error('down')),
    reason: 'handler-failed',
    redelivered: false,
    retried: false,
    countsAgainstBreaker: true,
  },
  {
    kind: 'an open inner circuit',
    error: () => new CircuitOpenError('publish:memory'),
    reason: 'circuit-open',
    redelivered: true,
    retried: false,
    countsAgainstBreaker: true,
  },
  {
    kind: 'any other error',
    error: () => new TypeError('connection reset'),
    reason: 'handler-failed',
    redelivered: true,
    retried: true,
    countsAgainstBreaker: true,
  },
];

@Message({ name: 'TaxonomyJob', from: 'tests' })
class TaxonomyJob {
  @IsString() kind!: string;
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const errorOf = (kind: string): Error => KINDS.find((row) => row.kind === kind)!.error();

@Injectable()
class RetriedHandlers {
  readonly attempts = new Map<string, number>();

  @Subscribe()
  @Retry({ attempts: 3, initialDelayMs: 1, jitter: 'none' })
  fail(job: TaxonomyJob): void {
    this.attempts.set(job.kind, (this.attempts.get(job.kind) ?? 0) + 1);
    throw errorOf(job.kind);
  }
}

describe('one failure taxonomy: the dispatcher, @Retry and circuit breakers decide alike', () => {
  describe.each(KINDS)('$kind', (row) => {
    it(`is reported as ${row.reason} where nothing redelivers`, async () => {
      const undeliverable: UndeliverableMessage[] = [];
      const bus = new MessageBus({ logger: silent, onUndeliverable: (event) => void undeliverable.push(event) });
      await bus.subscribe(TaxonomyJob, () => {
        throw row.error();
      });
      await bus.start();
      try {
        await bus.publish(Object.assign(new TaxonomyJob(), { kind: row.kind }));
        await waitFor(() => undeliverable.length === 1, 'the report');
        expect(undeliverable[0]!.reason).toBe(row.reason);
      } finally {
        await bus.shutdown(1000);
      }
    });

    it(row.redelivered ? 'is left with a durable broker' : 'is final on a durable broker too', async () => {
      const undeliverable: UndeliverableMessage[] = [];
      const transport = new TappedMemoryTransport();
      const bus = new MessageBus({
        logger: silent,
        transports: { memory: transport },
        onUndeliverable: (event) => void undeliverable.push(event),
      });
      await bus.subscribe(TaxonomyJob, () => {
        throw row.error();
      });
      await bus.start();
      try {
        const delivery = transport.handlers.get('TaxonomyJob')!(envelopeOf('TaxonomyJob', { kind: row.kind }), {
          attempt: 1,
          redelivers: true,
        });
        if (row.redelivered) {
          await expect(delivery).rejects.toThrow();
          expect(undeliverable).toEqual([]);
        } else {
          await expect(delivery).resolves.toBeUndefined();
          expect(undeliverable.map((event) => event.reason)).toEqual([row.reason]);
        }
      } finally {
        await bus.shutdown(1000);
      }
    });

    it(row.countsAgainstBreaker ? 'opens a circuit breaker' : 'never opens a circuit breaker', async () => {
      const bus = new MessageBus({ logger: silent });
      try {
        await expect(
          bus.circuitBreakers.execute('dependency', { threshold: 1 }, () => Promise.reject(row.error())),
        ).rejects.toThrow();
        expect(bus.circuitBreakers.state('dependency')).toBe(row.countsAgainstBreaker ? 'open' : 'closed');
      } finally {
        await bus.shutdown(1000);
      }
    });
  });

  describe('@Retry', () => {
    let app: INestApplication;
    const failures: UndeliverableMessage[] = [];

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          SmartMessageModule.forRoot({
            entity: 'tests',
            logger: false,
            deadLetters: false,
            onUndeliverable: (event) => void failures.push(event),
          }),
        ],
        providers: [RetriedHandlers],
      }).compile();
      app = moduleRef.createNestApplication();
      await app.init();
    });

    afterAll(() => app.close());

    it.each(KINDS)('attempts $kind as often as the taxonomy says', async (row) => {
      const handlers = app.get(RetriedHandlers);
      const before = failures.length;
      await app.get(MessageBus).publish(Object.assign(new TaxonomyJob(), { kind: row.kind }));
      await waitFor(() => failures.length === before + 1, 'the final failure');
      expect(handlers.attempts.get(row.kind)).toBe(row.retried ? 3 : 1);
    });
  });
});
