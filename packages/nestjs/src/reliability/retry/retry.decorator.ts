import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { RETRY_METADATA } from './retry.constants';
import { RetryOptions } from './retry-options.interface';
import { RetryInterceptor } from './retry.interceptor';

/** Retries a message handler (or every handler of a class) with backoff; see RetryOptions. */
export function Retry(options: RetryOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(RETRY_METADATA, options), UseInterceptors(RetryInterceptor));
}
