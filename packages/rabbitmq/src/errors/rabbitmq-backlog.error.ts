import { SmartMessageError } from '@smart-message/nestjs';

/**
 * `backlog()` could not read the depth of the subscribed queues: no connection, a queue the
 * broker does not know (it was deleted behind the transport's back), or no answer within the
 * timeout. `cause` is the broker's or the timer's error.
 */
export class RabbitMqBacklogError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_BACKLOG' as const;

  constructor(
    readonly endpoint: string,
    reason: string,
  ) {
    super(
      `RabbitMQ at ${endpoint} did not report the queue backlog: ${reason}; ` +
        'check that the broker is reachable and the subscribed queues exist, or raise the backlog timeout',
    );
  }
}
