import { SmartMessageError } from '@smart-message/nestjs';

/**
 * RabbitMQ answered a publish with a negative confirm (`basic.nack`): it did not take the
 * message, e.g. because a queue it routes to is full with `overflow: reject-publish`.
 */
export class RabbitMqPublishRefusedError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_PUBLISH_REFUSED' as const;

  constructor(
    readonly exchange: string,
    readonly messageClass: string,
    options?: { cause?: unknown },
  ) {
    super(
      `RabbitMQ refused the ${messageClass} message published to exchange ${exchange} (negative confirm): ` +
        'a queue it routes to may be full or unavailable; check the queues bound to it (rabbitmqctl list_queues)',
      options,
    );
  }
}
