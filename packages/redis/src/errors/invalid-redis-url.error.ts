import { SmartMessageError } from '@smart-message/nestjs';

/** The `url` option of a Redis transport cannot be a Redis server address; refused before connecting. */
export class InvalidRedisUrlError extends SmartMessageError {
  readonly code = 'SM_REDIS_INVALID_URL' as const;

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(
      `Invalid Redis url "${url}": ${reason}. ` +
        'Use redis://[[username]:password@]host[:port][/db], or rediss:// for TLS (e.g. redis://127.0.0.1:6379/0).',
    );
  }
}
