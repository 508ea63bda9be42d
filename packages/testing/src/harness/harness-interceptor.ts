import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { getMessage, getMessageContext, isSmartMessageContext } from '@smart-message/nestjs';
import { defer, Observable, switchMap, tap } from 'rxjs';
import type { HandlerFaults } from '../injection/handler-faults';
import type { HarnessRecorder } from './harness-recorder';

/**
 * The outermost message-handler interceptor while the harness is installed: applies injected
 * faults, records the outcome of each handler call with the instance the handler got, and notes
 * the handlers that returned a message, so the publish of that reply is recognised. Outermost, so an injected
 * failure passes the application's filters like any failure, but no retry policy sees it.
 */
export class HarnessInterceptor implements NestInterceptor {
  constructor(
    private readonly recorder: HarnessRecorder,
    private readonly faults: HandlerFaults,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isSmartMessageContext(context)) return next.handle();
    const messageContext = getMessageContext(context);
    const message = getMessage(context);
    const { envelope, transport, handlerId } = messageContext;
    const { header } = envelope;
    const record = (kind: 'handled' | 'failed', error?: Error): void =>
      this.recorder.add({
        kind,
        header,
        envelope,
        payload: message,
        transport,
        handlerId,
        attempt: messageContext.attempt,
        error,
      });
    return defer(async () => {
      const fault = this.faults.take(handlerId, header.messageClass);
      if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.fail) throw fault.fail;
    }).pipe(
      switchMap(() => next.handle()),
      tap({
        // The bus publishes a returned message as the reply once this call completes.
        next: (value) => {
          if (value !== null && typeof value === 'object') this.recorder.expectReply(header.uuid);
        },
        complete: () => record('handled'),
        error: (error: unknown) => record('failed', error instanceof Error ? error : new Error(String(error))),
      }),
    );
  }
}
