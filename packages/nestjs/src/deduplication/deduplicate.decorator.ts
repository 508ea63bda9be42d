import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { DeduplicateOptions } from './deduplicate-options.interface';
import { DEDUPLICATE_METADATA } from './deduplication.constants';
import { assertDeduplicationSize } from './deduplication-size';
import { DeduplicationInterceptor } from './deduplication.interceptor';

/**
 * Processes each message uuid once per handler (or per handler of a class): a second delivery of
 * the same uuid is skipped and counted. Uses the module's store (`deduplication.store`).
 */
export function Deduplicate(options: DeduplicateOptions = {}): MethodDecorator & ClassDecorator {
  assertDeduplicationSize(options.size, '@Deduplicate()');
  return applyDecorators(SetMetadata(DEDUPLICATE_METADATA, options), UseInterceptors(DeduplicationInterceptor));
}
