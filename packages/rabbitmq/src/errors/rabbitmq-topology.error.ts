import { SmartMessageError } from '@smart-message/nestjs';

/**
 * RabbitMQ refused to declare, bind or consume a subscription's queue, most often because the
 * queue exists with other arguments (`406 PRECONDITION_FAILED - inequivalent arg`): another
 * instance of the service runs with other `maxDeliveries`, or an older queue of another type.
 */
export class RabbitMqTopologyError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_TOPOLOGY' as const;

  constructor(
    readonly queue: string,
    options?: { cause?: unknown },
  ) {
    const detail = (options?.cause as { message?: unknown } | undefined)?.message;
    super(
      `RabbitMQ refused to set up queue ${queue}${typeof detail === 'string' ? ` (${detail})` : ''}: ` +
        'if it exists with other arguments, give every instance the same `maxDeliveries` and concurrency, ' +
        'or delete the queue (rabbitmqctl delete_queue) once it is drained',
      options,
    );
  }
}
