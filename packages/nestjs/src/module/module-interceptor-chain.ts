import { Inject, Injectable, NestInterceptor, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MessageBus } from '../bus/message-bus';
import { messageTypeRegistry } from '../catalog/message-type-registry';
import { DEDUPLICATION_STORE } from '../deduplication/deduplication.constants';
import { DeduplicationInterceptor } from '../deduplication/deduplication.interceptor';
import { DeduplicationStore } from '../deduplication/deduplication-store.interface';
import { SmartMessageModuleOptions } from './module-options.interface';
import { CircuitBreakerInterceptor } from '../reliability/circuit-breaker/circuit-breaker.interceptor';
import { RetryInterceptor } from '../reliability/retry/retry.interceptor';
import { MessageHandlerContextCreator } from './message-handler-context-creator';
import { SMART_MESSAGE_MODULE_OPTIONS } from './smart-message.module-definition';

/**
 * The module-wide interceptors of every message handler, in the one order they nest:
 * deduplication outermost (a retried delivery is still one delivery), then retry, then the
 * circuit breaker (each attempt passes it, and once it opens no further attempt is made).
 * Applied at module init, before the module discovers handlers; a handler of an application
 * without such options pays for no extra interceptor.
 */
@Injectable()
export class ModuleInterceptorChain implements OnModuleInit {
  constructor(
    @Inject(SMART_MESSAGE_MODULE_OPTIONS) private readonly options: SmartMessageModuleOptions,
    @Inject(DEDUPLICATION_STORE) private readonly deduplicationStore: DeduplicationStore,
    private readonly contextCreator: MessageHandlerContextCreator,
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    private readonly retry: RetryInterceptor,
    private readonly circuitBreaker: CircuitBreakerInterceptor,
  ) {}

  /** The interceptors the options ask for, outermost first. */
  interceptors(): NestInterceptor[] {
    const { deduplication, retry, circuitBreaker } = this.options;
    const chain: NestInterceptor[] = [];
    if (deduplication && deduplication.allHandlers !== false)
      chain.push(new DeduplicationInterceptor(this.reflector, this.bus, this.deduplicationStore));
    if (retry || messageTypeRegistry.all().some((type) => type.retry)) chain.push(this.retry);
    if (circuitBreaker) chain.push(this.circuitBreaker);
    return chain;
  }

  onModuleInit(): void {
    this.contextCreator.addGlobalEnhancers({ interceptors: this.interceptors() });
  }
}
