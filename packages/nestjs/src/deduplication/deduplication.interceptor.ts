import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, lastValueFrom, Observable } from 'rxjs';
import { MessageBus } from '../bus/message-bus';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { getMessage, getMessageContext, isSmartMessageContext } from '../module/message-execution-context';
import { MessageContext } from '../context/message-context';
import { DeduplicateOptions } from './deduplicate-options.interface';
import { DEDUPLICATE_METADATA, DEDUPLICATION_STORE } from './deduplication.constants';
import { DeduplicationStore } from './deduplication-store.interface';
import { processOnce } from './process-once';

/**
 * Deliveries an outer DeduplicationInterceptor is deduplicating right now: an inner one (module-wide
 * plus `@Deduplicate()`, or class plus method) stands aside instead of waiting on its own mark.
 */
const deduplicating = new WeakSet<MessageContext>();

/**
 * Skips a message a handler already processed: the handler is not called, the delivery counts as
 * handled, and it is counted as `deduplicated` and logged. The memory is per handler, so other
 * handlers of the message still get it. A uuid is recorded only after the handler succeeded.
 */
@Injectable()
export class DeduplicationInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    @Inject(DEDUPLICATION_STORE) private readonly store: DeduplicationStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isSmartMessageContext(context)) return next.handle();
    const messageContext = getMessageContext(context);
    const options =
      this.reflector.getAllAndOverride<DeduplicateOptions | undefined>(DEDUPLICATE_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    if (options.enabled === false || deduplicating.has(messageContext)) return next.handle();

    const { handlerId, header } = messageContext;
    const size = options.size ?? messageTypeRegistry.find(getMessage(context).constructor)?.deduplication?.size;
    const request = { handlerId, from: header.from, uuid: header.uuid, ...(size === undefined ? {} : { size }) };
    return defer(async () => {
      deduplicating.add(messageContext);
      try {
        const outcome = await processOnce(
          this.store,
          request,
          () => lastValueFrom(next.handle(), { defaultValue: undefined }),
          this.bus.logger,
        );
        if (outcome.processed) return outcome.result;
        this.bus.statistics.count(handlerId, header.messageClass, 'deduplicated');
        this.bus.logger.log(`Skipped duplicate ${header.messageClass} ${header.uuid} for ${handlerId}`, {
          uuid: header.uuid,
          messageClass: header.messageClass,
          version: header.version,
          from: header.from,
          to: header.to,
          correlationId: header.correlationId,
          handler: handlerId,
          attempt: messageContext.attempt,
          transport: messageContext.transport,
          waitedMs: Math.round(outcome.waitedMs),
        });
        return undefined;
      } finally {
        // A retry around this interceptor calls it again for the same delivery: that is a new run.
        deduplicating.delete(messageContext);
      }
    });
  }
}
