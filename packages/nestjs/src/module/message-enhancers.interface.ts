import { CanActivate, ExceptionFilter, NestInterceptor, PipeTransform } from '@nestjs/common';

/** Enhancers applied to every message handler, as `app.useGlobal*()` does for controllers. */
export interface MessageEnhancers {
  guards?: CanActivate[];
  interceptors?: NestInterceptor[];
  pipes?: PipeTransform[];
  filters?: ExceptionFilter[];
}
