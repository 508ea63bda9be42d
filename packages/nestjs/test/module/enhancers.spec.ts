import 'reflect-metadata';
import {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  INestApplication,
  Injectable,
  NestInterceptor,
  PipeTransform,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { Observable, tap } from 'rxjs';
import {
  getMessage,
  getMessageContext,
  Message,
  MessageBus,
  MessageStatistics,
  SmartMessageModule,
  SmartMessageModuleOptions,
  Subscribe,
  UndeliverableMessage,
} from '@smart-message/nestjs';
import { waitFor } from '@smart-message/testing';

@Message({ from: 'alice' })
class Note {
  @IsString() text!: string;
}

const note = (text: string): Note => Object.assign(new Note(), { text });

/** What the enhancers saw, in order. */
const trail: string[] = [];

@Injectable()
class NoMalloryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    trail.push(`guard:${context.getType()}:${getMessageContext(context).header.from}`);
    return getMessageContext(context).header.from !== 'mallory';
  }
}

@Injectable()
class TimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    trail.push(`before:${getMessage<Note>(context).text}`);
    return next.handle().pipe(tap(() => trail.push(`after:${getMessage<Note>(context).text}`)));
  }
}

class ShoutPipe implements PipeTransform {
  transform(value: unknown, metadata: { metatype?: unknown }): unknown {
    if (metadata.metatype !== Note) return value;
    return Object.assign(new Note(), { text: (value as Note).text.toUpperCase() });
  }
}

class KnownProblem extends Error {}

@Catch(KnownProblem)
class KnownProblemFilter implements ExceptionFilter {
  catch(exception: KnownProblem, host: ArgumentsHost): void {
    trail.push(`filtered:${exception.message}:${host.getType()}`);
  }
}

@Injectable()
@UseInterceptors(TimingInterceptor)
class NoteHandlers {
  readonly seen: string[] = [];

  @Subscribe()
  @UseGuards(NoMalloryGuard)
  @UsePipes(new ShoutPipe())
  guarded(message: Note): void {
    this.seen.push(`guarded:${message.text}`);
  }

  @Subscribe()
  @UseFilters(new KnownProblemFilter())
  filtered(message: Note): void {
    if (message.text.startsWith('known')) throw new KnownProblem(message.text);
    if (message.text.startsWith('unknown')) throw new Error(message.text);
    this.seen.push(`filtered:${message.text}`);
  }
}

/** An HTTP-minded global guard that would refuse every message. */
@Injectable()
class HttpOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    trail.push(`app-guard:${context.getType()}`);
    return context.getType() === 'http';
  }
}

describe('Nest enhancers on message handlers', () => {
  let app: INestApplication;
  let undeliverable: UndeliverableMessage[];

  const boot = async (options: Partial<SmartMessageModuleOptions> = {}): Promise<NoteHandlers> => {
    trail.length = 0;
    undeliverable = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        SmartMessageModule.forRoot({
          entity: 'tests',
          logger: false,
          onUndeliverable: (event) => undeliverable.push(event),
          ...options,
        }),
      ],
      providers: [NoteHandlers, NoMalloryGuard, TimingInterceptor, { provide: APP_GUARD, useClass: HttpOnlyGuard }],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    return app.get(NoteHandlers);
  };

  afterEach(async () => {
    await app?.close();
  });

  it('runs method guards with a smart-message execution context, and a refusal is dead-lettered as rejected, not failed', async () => {
    const handlers = await boot();
    const bus = app.get(MessageBus);
    await bus.publish(note('hello'));
    await bus.publish(note('psst'), { from: 'mallory' });
    await waitFor(
      () => handlers.seen.length === 3 && undeliverable.length === 1,
      () => `3 handled and 1 rejected (${handlers.seen.length}, ${undeliverable.length})`,
    );

    expect(handlers.seen.filter((entry) => entry.startsWith('guarded'))).toEqual(['guarded:HELLO']);
    expect(trail).toEqual(expect.arrayContaining(['guard:smart-message:alice', 'guard:smart-message:mallory']));
    expect(undeliverable[0]).toMatchObject({
      reason: 'rejected',
      handlerId: 'NoteHandlers.guarded',
      error: { code: 'SM_GUARD_REJECTED' },
    });
    const stats = app.get(MessageStatistics).forHandler('NoteHandlers.guarded');
    expect(stats).toMatchObject({ succeeded: 1, failed: 1 });
  });

  it('applies class interceptors around each handler and method pipes to the message', async () => {
    const handlers = await boot();
    await app.get(MessageBus).publish(note('quiet'));
    await waitFor(() => handlers.seen.length === 2, 'both handlers');

    expect(handlers.seen.sort()).toEqual(['filtered:quiet', 'guarded:QUIET']);
    // Interceptors see the message as it arrives; the pipe changes only what the handler receives.
    expect(trail.filter((entry) => entry.startsWith('before'))).toEqual(['before:quiet', 'before:quiet']);
    expect(trail.filter((entry) => entry.startsWith('after'))).toEqual(['after:quiet', 'after:quiet']);
  });

  it('lets an exception filter handle the errors it catches; others still fail the handler', async () => {
    await boot();
    const bus = app.get(MessageBus);
    await bus.publish(note('known issue'));
    await bus.publish(note('unknown issue'));
    await waitFor(() => undeliverable.length === 1 && trail.some((t) => t.startsWith('filtered')), 'the outcomes');

    expect(trail).toContain('filtered:known issue:smart-message');
    expect(undeliverable[0]).toMatchObject({ reason: 'handler-failed', error: { message: 'unknown issue' } });
    expect(app.get(MessageStatistics).forHandler('NoteHandlers.filtered')).toMatchObject({ succeeded: 1, failed: 1 });
  });

  it('applies the module-wide message enhancers to every handler', async () => {
    const seenBy: string[] = [];
    const recordHandler: NestInterceptor = {
      intercept(context: ExecutionContext, next: CallHandler) {
        seenBy.push(getMessageContext(context).handlerId);
        return next.handle();
      },
    };
    const handlers = await boot({ enhancers: { interceptors: [recordHandler] } });
    await app.get(MessageBus).publish(note('all'));
    await waitFor(() => handlers.seen.length === 2, 'both handlers');
    expect(seenBy.sort()).toEqual(['NoteHandlers.filtered', 'NoteHandlers.guarded']);
  });

  it("does not run the application's global HTTP guards on message handlers unless told to", async () => {
    const handlers = await boot();
    await app.get(MessageBus).publish(note('plain'));
    await waitFor(() => handlers.seen.length === 2, 'both handlers');
    expect(trail.some((entry) => entry.startsWith('app-guard'))).toBe(false);
    await app.close();

    const inheriting = await boot({ applyAppEnhancers: true });
    await app.get(MessageBus).publish(note('plain'));
    await waitFor(() => undeliverable.length === 2, 'both handlers refused by the app guard');
    expect(inheriting.seen).toEqual([]);
    expect(trail).toContain('app-guard:smart-message');
    expect(undeliverable.map((event) => event.reason)).toEqual(['rejected', 'rejected']);
  });
});
