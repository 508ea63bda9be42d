import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A message class, group or prefix cannot be part of a RabbitMQ routing key or queue name: `*`
 * and `#` are topic wildcards (a binding would match other classes), and names are limited to
 * 255 bytes.
 */
export class RabbitMqInvalidNameError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_INVALID_NAME' as const;

  constructor(
    readonly nameKind: 'message class' | 'group' | 'prefix',
    readonly refusedName: string,
    readonly problem: string,
  ) {
    super(`The ${nameKind} ${JSON.stringify(refusedName)} cannot be used on RabbitMQ: ${problem}; rename it`);
  }
}
