import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PipeTransform,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsString } from 'class-validator';
import { EMPTY, Observable, map, of, tap, throwError, timer } from 'rxjs';
import {
  Message,
  MessageBus,
  MessageContext,
  MessageEnhancers,
  SmartMessageModule,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';
import { described, Outcome, UuidNames } from './support/outcome';

/**
 * Shortcut: a `@Subscribe` method with no guard, interceptor, pipe or filter is called directly
 * (module/message-handler-context-creator.ts) instead of through Nest's context proxy, and only
 * a returned Observable is waited for as the proxy would. Its twins apply one enhancer of each
 * kind that changes nothing: an interceptor that passes the call through, a guard that lets
 * every message in, a pipe that returns its argument, a filter that rethrows.
 */

@Message({ name: 'DirectCallPing', from: 'hot-paths' })
class DirectCallPing {
  @IsString() kind!: string;
  @IsInt() seq!: number;
}

@Message({ name: 'DirectCallPong', from: 'hot-paths' })
class DirectCallPong {
  @IsString() text!: string;
}

const KINDS = [
  'nothing',
  'reply',
  'promise-reply',
  'observable-reply',
  'observable-later',
  'observable-empty',
  'observable-error',
  'throw',
  'reject',
  'publish-reply-later',
] as const;

const request = new AsyncLocalStorage<string>();
const pong = (text: string): DirectCallPong => Object.assign(new DirectCallPong(), { text });

@Injectable()
class DirectCallHandlers {
  readonly calls: unknown[] = [];
  constructor(private readonly bus: MessageBus) {}

  @Subscribe({ concurrency: 1 })
  onPing(ping: DirectCallPing, context: MessageContext): unknown {
    this.calls.push({
      message: described(ping),
      context: { attempt: context.attempt, handlerId: context.handlerId, transport: context.transport },
      request: request.getStore(),
    });
    const text = `pong ${ping.seq}`;
    switch (ping.kind as (typeof KINDS)[number]) {
      case 'nothing':
        return undefined;
      case 'reply':
        return pong(text);
      case 'promise-reply':
        return Promise.resolve(pong(text));
      case 'observable-reply':
        // Several values: the last one is the reply.
        return of(pong('first'), pong(text));
      case 'observable-later':
        return timer(1).pipe(
          tap(() => this.calls.push({ insideObservable: ping.seq, request: request.getStore() })),
          map(() => pong(text)),
        );
      case 'observable-empty':
        return EMPTY;
      case 'observable-error':
        return throwError(() => new Error(`observable failed on ${ping.seq}`));
      case 'throw':
        throw new Error(`failed on ${ping.seq}`);
      case 'reject':
        return Promise.reject(new Error(`rejected on ${ping.seq}`));
      case 'publish-reply-later':
        return (async () => {
          await new Promise((resolve) => setImmediate(resolve));
          await this.bus.publish(pong(`published by ${ping.seq}`));
        })();
    }
  }
}

/** How often the twins' enhancers ran: a twin whose enhancer never ran would compare the shortcut with itself. */
const enhancerRuns = { count: 0 };

@Injectable()
class PassThroughInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    enhancerRuns.count++;
    return next.handle();
  }
}

@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    enhancerRuns.count++;
    return true;
  }
}

@Injectable()
class IdentityPipe implements PipeTransform {
  transform(value: unknown): unknown {
    enhancerRuns.count++;
    return value;
  }
}

@Catch()
class RethrowFilter implements ExceptionFilter {
  catch(error: unknown, _host: ArgumentsHost): void {
    enhancerRuns.count++;
    throw error;
  }
}

async function runModule(enhancers: MessageEnhancers | undefined): Promise<Outcome> {
  const undeliverable: UndeliverableMessage[] = [];
  const moduleRef = await Test.createTestingModule({
    imports: [
      SmartMessageModule.forRoot({
        entity: 'hot-paths',
        logger: false,
        deadLetters: false,
        onUndeliverable: (event) => void undeliverable.push(event),
        ...(enhancers ? { enhancers } : {}),
      }),
    ],
    providers: [DirectCallHandlers],
  }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  try {
    const bus = app.get(MessageBus);
    const handlers = app.get(DirectCallHandlers);
    const names = new UuidNames();
    const replies: unknown[] = [];
    await bus.subscribe(DirectCallPong, (reply, context) => {
      const { uuid, ...header } = names.header(context.header);
      void uuid;
      replies.push({ message: described(reply), header });
    });
    for (const [seq, kind] of KINDS.entries()) {
      const ping = Object.assign(new DirectCallPing(), { kind, seq });
      names.name((await request.run(`request ${seq}`, () => bus.publish(ping))).uuid);
    }
    // Replies: reply, promise-reply, observable-reply, observable-later, publish-reply-later.
    // Failures: observable-empty, observable-error, throw, reject.
    await waitFor(
      () => handlers.calls.length === KINDS.length + 1 && replies.length === 5 && undeliverable.length === 4,
      () => `${handlers.calls.length} calls, ${replies.length} replies, ${undeliverable.length} failures`,
    );
    await bus.idle();
    const byJson = (a: unknown, b: unknown): number => JSON.stringify(a).localeCompare(JSON.stringify(b));
    return {
      events: [
        ...handlers.calls.map((call) => ({ call })),
        ...replies.map((reply) => ({ reply })).sort(byJson),
        ...undeliverable.map((event) => ({ undeliverable: names.undeliverable(event) })).sort(byJson),
      ],
    };
  } finally {
    await app.close();
  }
}

describe('hot path: a @Subscribe method called without Nest’s context proxy', () => {
  let direct: Outcome;

  beforeAll(async () => {
    direct = await runModule(undefined);
  });

  it.each<[string, MessageEnhancers]>([
    ['an interceptor that passes the call through', { interceptors: [new PassThroughInterceptor()] }],
    ['a guard that lets every message in', { guards: [new AllowGuard()] }],
    ['a pipe that returns its argument', { pipes: [new IdentityPipe()] }],
    ['an exception filter that rethrows', { filters: [new RethrowFilter()] }],
  ])('ends as through the proxy with %s', async (_label, enhancers) => {
    enhancerRuns.count = 0;
    expect(await runModule(enhancers)).toEqual(direct);
    expect(enhancerRuns.count).toBeGreaterThan(0);
  });

  it('waits for a returned Observable, keeps the async context and reports failures (so the twins cannot agree on a wrong outcome)', () => {
    expect(direct.events).toEqual(
      expect.arrayContaining([
        { call: { insideObservable: 4, request: 'request 4' } },
        {
          reply: {
            message: { class: 'DirectCallPong', text: 'pong 3' },
            header: expect.objectContaining({ correlationId: '#4' }),
          },
        },
        {
          reply: {
            message: { class: 'DirectCallPong', text: 'pong 4' },
            header: expect.objectContaining({ correlationId: '#5' }),
          },
        },
        {
          reply: {
            message: { class: 'DirectCallPong', text: 'published by 9' },
            header: expect.objectContaining({ correlationId: '#10', causationId: '#10' }),
          },
        },
        {
          undeliverable: expect.objectContaining({
            reason: 'handler-failed',
            error: expect.objectContaining({ message: 'observable failed on 6' }),
          }),
        },
        {
          undeliverable: expect.objectContaining({
            reason: 'handler-failed',
            error: expect.objectContaining({ name: 'EmptyError' }),
          }),
        },
      ]),
    );
  });
});
