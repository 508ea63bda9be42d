import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A publish could not reach RabbitMQ, or got only negative confirms, within `publishTimeoutMs`;
 * the message was not confirmed. `cause` is the last failure (a `RabbitMqPublishRefusedError` for a nack).
 */
export class RabbitMqUnavailableError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_UNAVAILABLE' as const;

  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `RabbitMQ did not become available within ${timeoutMs} ms; the message was not confirmed: ` +
        'check the broker, or raise `publishTimeoutMs` to ride out longer outages',
      options,
    );
  }
}
