import { Inject, Injectable, NestInterceptor, OnModuleInit } from '@nestjs/common';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { SmartMessageModuleOptions } from '../interfaces/module-options.interface';
import { CircuitBreakerInterceptor } from '../reliability/circuit-breaker/circuit-breaker.interceptor';
import { RetryInterceptor } from '../reliability/retry/retry.interceptor';
import { MessageHandlerContextCreator } from './message-handler-context-creator';
import { SMART_MESSAGE_MODULE_OPTIONS } from './smart-message.module-definition';

/**
 * Applies the module's reliability defaults to every message handler, before handlers are
 * discovered: retry outermost (each attempt passes the breaker), then the circuit breaker.
 * Handlers without any such configuration pay for no extra interceptor.
 */
@Injectable()
export class MessageReliabilityDefaults implements OnModuleInit {
  constructor(
    @Inject(SMART_MESSAGE_MODULE_OPTIONS) private readonly options: SmartMessageModuleOptions,
    private readonly contextCreator: MessageHandlerContextCreator,
    private readonly retry: RetryInterceptor,
    private readonly circuitBreaker: CircuitBreakerInterceptor,
  ) {}

  onModuleInit(): void {
    const interceptors: NestInterceptor[] = [];
    if (this.options.retry || messageTypeRegistry.all().some((type) => type.retry)) interceptors.push(this.retry);
    if (this.options.circuitBreaker) interceptors.push(this.circuitBreaker);
    this.contextCreator.addGlobalEnhancers({ interceptors });
  }
}
