import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, Observable } from 'rxjs';
import { MessageBus } from '../../bus/message-bus';
import { messageTypeRegistry } from '../../catalog/message-type-registry';
import { RETRY_METADATA } from './retry.constants';
import { getMessage, getMessageContext, isSmartMessageContext } from '../../module/message-execution-context';
import { MessageContext } from '../../context/message-context';
import { RetriesExhaustedError } from '../../errors';
import { SmartMessageModuleOptions } from '../../module/module-options.interface';
import { SMART_MESSAGE_MODULE_OPTIONS } from '../../module/smart-message.module-definition';
import { RetryOptions } from './retry-options.interface';
import { createRetryPolicy, DEFAULT_RETRY_ATTEMPTS, isRetryable } from './retry-policy';
import { asError } from '../../util/promises';

/** Deliveries an outer RetryInterceptor already retries; an inner one (class plus method, or global) stands aside. */
const retrying = new WeakSet<MessageContext>();

/**
 * Retries a failing handler with backoff (cockatiel). Options come from `@Retry()` on the method,
 * then on the class, then `@Message({ retry })`, then the module's `retry` default. The attempt
 * number is in MessageContext; on durable transports it continues from the delivery count, so a
 * crash does not restart the count. When attempts run out the failure becomes final
 * (RetriesExhaustedError): dead-lettered, and acknowledged on durable transports.
 */
@Injectable()
export class RetryInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    @Inject(SMART_MESSAGE_MODULE_OPTIONS) private readonly moduleOptions: SmartMessageModuleOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isSmartMessageContext(context)) return next.handle();
    const messageContext = getMessageContext(context);
    const options = this.optionsFor(context);
    if (!options || retrying.has(messageContext)) return next.handle();
    retrying.add(messageContext);

    const { handlerId } = messageContext;
    const messageClass = messageContext.header.messageClass;
    const first = messageContext.attempt;
    const policy = createRetryPolicy(options, Math.max(0, (options.attempts ?? DEFAULT_RETRY_ATTEMPTS) - first));
    policy.onRetry((event) => {
      this.bus.statistics.count(handlerId, messageClass, 'retried');
      const error = 'error' in event ? event.error : new Error('the handler returned a value its retry policy retries');
      const call = {
        envelope: messageContext.envelope,
        handlerId,
        transport: messageContext.transport,
        attempt: messageContext.attempt,
      };
      for (const observer of this.moduleOptions.observers ?? []) observer.retrying?.(call, error, event.delay);
      this.bus.logger.warn(`Retrying ${handlerId} on ${messageClass} in ${Math.round(event.delay)} ms`, {
        uuid: messageContext.header.uuid,
        messageClass,
        version: messageContext.header.version,
        from: messageContext.header.from,
        to: messageContext.header.to,
        correlationId: messageContext.header.correlationId,
        handler: handlerId,
        attempt: messageContext.attempt,
        delayMs: Math.round(event.delay),
        error: 'error' in event ? event.error.message : undefined,
      });
    });
    const attempts = policy.execute(({ attempt }) => {
      messageContext.attempt = first + attempt;
      return lastValueFrom(next.handle(), { defaultValue: undefined });
    });
    return from(
      attempts.catch((error: unknown) => {
        const failure = asError(error);
        throw isRetryable(failure, options)
          ? new RetriesExhaustedError(handlerId, messageContext.attempt, failure)
          : failure;
      }),
    );
  }

  private optionsFor(context: ExecutionContext): RetryOptions | undefined {
    return (
      this.reflector.getAllAndOverride<RetryOptions | undefined>(RETRY_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ??
      messageTypeRegistry.find(getMessage(context).constructor)?.retry ??
      this.moduleOptions.retry
    );
  }
}
