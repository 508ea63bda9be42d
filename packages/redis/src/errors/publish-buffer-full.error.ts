import { SmartMessageError } from '@smart-message/nestjs';

/** Too many publishes are already waiting for Redis to come back; this one was refused at once. */
export class PublishBufferFullError extends SmartMessageError {
  readonly code = 'SM_PUBLISH_BUFFER_FULL' as const;

  constructor(readonly limit: number) {
    super(`${limit} publishes are already waiting for Redis; the message was not sent`);
  }
}
