import { SmartMessageError } from '@smart-message/nestjs';

/** Too many publishes already wait for RabbitMQ to come back; this one was refused at once. */
export class RabbitMqPublishBufferFullError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_PUBLISH_BUFFER_FULL' as const;

  constructor(readonly limit: number) {
    super(
      `${limit} publishes are already waiting for RabbitMQ; the message was not sent: ` +
        'raise `maxBufferedPublishes`, or slow the publisher down while the broker is away',
    );
  }
}
