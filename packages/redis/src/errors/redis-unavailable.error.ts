import { SmartMessageError } from '@smart-message/nestjs';

/** A publish could not reach Redis within `publishTimeoutMs`; the message was not sent. */
export class RedisUnavailableError extends SmartMessageError {
  readonly code = 'SM_REDIS_UNAVAILABLE' as const;

  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`Redis did not become available within ${timeoutMs} ms; the message was not sent`, options);
  }
}
