import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, Observable } from 'rxjs';
import { MessageBus } from '../../bus/message-bus';
import { CIRCUIT_BREAKER_METADATA } from './circuit-breaker.constants';
import { getMessageContext, isSmartMessageContext } from '../../module/message-execution-context';
import { SmartMessageModuleOptions } from '../../module/module-options.interface';
import { SMART_MESSAGE_MODULE_OPTIONS } from '../../module/smart-message.module-definition';
import { CircuitBreakerOptions } from './circuit-breaker-options.interface';

/**
 * Runs a handler through its circuit breaker. While the circuit is open the handler is not
 * called: the delivery fails with CircuitOpenError, which durable transports leave pending for
 * later and the others dead-letter. Options come from `@CircuitBreaker()` on the method, then on
 * the class, then the module's `circuitBreaker` default; the circuit is named after the handler.
 */
@Injectable()
export class CircuitBreakerInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    @Inject(SMART_MESSAGE_MODULE_OPTIONS) private readonly moduleOptions: SmartMessageModuleOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!isSmartMessageContext(context)) return next.handle();
    const options =
      this.reflector.getAllAndOverride<CircuitBreakerOptions | undefined>(CIRCUIT_BREAKER_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? this.moduleOptions.circuitBreaker;
    if (!options) return next.handle();
    const name = options.name ?? getMessageContext(context).handlerId;
    return from(
      this.bus.circuitBreakers.execute(name, options, () => lastValueFrom(next.handle(), { defaultValue: undefined })),
    );
  }
}
