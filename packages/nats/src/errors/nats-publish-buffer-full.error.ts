import { SmartMessageError } from '@smart-message/nestjs';

/** Too many publishes already wait for NATS to come back; this one was refused at once. */
export class NatsPublishBufferFullError extends SmartMessageError {
  readonly code = 'SM_NATS_PUBLISH_BUFFER_FULL' as const;

  constructor(readonly limit: number) {
    super(
      `${limit} publishes are already waiting for NATS; the message was not sent: ` +
        'raise `maxBufferedPublishes`, or slow the publisher down while the server is away',
    );
  }
}
