import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { getMessageContext, isSmartMessageContext } from '@smart-message/nestjs';
import { PinoLogger } from 'nestjs-pino';
import { Observable } from 'rxjs';
import { PinoLoggerSource } from './logger-source';
import { runWithMessageLogger } from './run-with-message-logger';

/**
 * Binds the handled message's correlationId, uuid, messageClass and handler to every log line
 * its handler writes. Add it to `enhancers.interceptors` first, so that the interceptors after
 * it (retries, breakers) log inside the binding; `withPinoLogging()` does that for you.
 * Contexts other than message handlers pass through untouched.
 */
@Injectable()
export class MessageLoggingInterceptor implements NestInterceptor {
  constructor(@Inject(PinoLogger) private readonly source: PinoLoggerSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isSmartMessageContext(context)) return next.handle();
    const messageContext = getMessageContext(context);
    // `handle()` must be called inside the store: Nest binds the rest of the chain to the async
    // context it is called in, not to the one it is subscribed in.
    return new Observable((subscriber) =>
      runWithMessageLogger(this.source, messageContext, () => next.handle().subscribe(subscriber)),
    );
  }
}
