import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { CIRCUIT_BREAKER_METADATA } from './circuit-breaker.constants';
import { CircuitBreakerOptions } from './circuit-breaker-options.interface';
import { CircuitBreakerInterceptor } from './circuit-breaker.interceptor';

/** Puts a message handler (or every handler of a class) behind a circuit breaker; see CircuitBreakerOptions. */
export function CircuitBreaker(options: CircuitBreakerOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(CIRCUIT_BREAKER_METADATA, options), UseInterceptors(CircuitBreakerInterceptor));
}
