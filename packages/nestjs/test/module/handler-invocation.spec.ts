import 'reflect-metadata';
import {
  CallHandler,
  ExecutionContext,
  INestApplication,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { Observable, tap, timer, map } from 'rxjs';
import {
  Message,
  MessageBus,
  MemoryDeadLetterStore,
  Retry,
  SmartMessageModule,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ name: 'InvocationPing', from: 'tests' })
class InvocationPing {
  @IsString() text!: string;
}

@Message({ name: 'InvocationPong', from: 'tests' })
class InvocationPong {
  @IsString() text!: string;
}

@Message({ name: 'HostedNote', from: 'tests' })
class HostedNote {
  @IsString() text!: string;
}

const trail: string[] = [];

/** A handler without any enhancer, returning Observables, as Nest handlers may. */
@Injectable()
class ObservableHandlers {
  @Subscribe()
  onPing(ping: InvocationPing): Observable<InvocationPong> {
    return timer(5).pipe(
      tap(() => trail.push(`observable:${ping.text}`)),
      map(() => Object.assign(new InvocationPong(), { text: `pong:${ping.text}` })),
    );
  }
}

@Injectable()
class CountingInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    trail.push('counting');
    return next.handle();
  }
}

/** Registered under a token, not its class: its enhancers must still be found. */
@Injectable()
class TokenHostedHandlers {
  attempts = 0;

  @Subscribe()
  @UseInterceptors(CountingInterceptor)
  @Retry({ attempts: 3, initialDelayMs: 1, backoff: 'fixed', jitter: 'none' })
  onNote(note: HostedNote): void {
    this.attempts++;
    trail.push(`hosted:${note.text}`);
    if (this.attempts < 3) throw new Error('not yet');
  }
}

describe('how handlers are invoked', () => {
  let app: INestApplication;
  let undeliverable: UndeliverableMessage[];

  beforeEach(async () => {
    trail.length = 0;
    undeliverable = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'tests',
          logger: false,
          deadLetters: { store: new MemoryDeadLetterStore() },
          onUndeliverable: (event) => void undeliverable.push(event),
        }),
      ],
      providers: [ObservableHandlers, CountingInterceptor, { provide: 'HOSTED', useClass: TokenHostedHandlers }],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  it('waits for an Observable a handler returns, and sends what it emits as the reply', async () => {
    const bus = app.get(MessageBus);

    const reply = await bus.request(Object.assign(new InvocationPing(), { text: 'a' }), {
      replyType: InvocationPong,
      timeoutMs: 2000,
    });

    expect(reply).toBeInstanceOf(InvocationPong);
    expect(reply.text).toBe('pong:a');
    expect(trail).toEqual(['observable:a']);
  });

  it('applies class-referenced interceptors and @Retry to a provider registered under a token', async () => {
    const bus = app.get(MessageBus);
    const handlers = app.get<TokenHostedHandlers>('HOSTED');

    await bus.publish(Object.assign(new HostedNote(), { text: 'y' }));
    await waitFor(
      () => handlers.attempts === 3,
      () => `3 attempts (${handlers.attempts})`,
    );

    expect(trail.filter((entry) => entry === 'counting').length).toBeGreaterThanOrEqual(1);
    expect(trail.filter((entry) => entry === 'hosted:y')).toHaveLength(3);
    expect(undeliverable).toEqual([]);
  });
});
