import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A message class or group cannot be a RabbitMQ routing key or queue name part: `*` and `#` are
 * topic wildcards (a binding would match other classes), and names are limited to 255 bytes.
 */
export class RabbitMqInvalidNameError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_INVALID_NAME' as const;

  constructor(
    readonly nameKind: 'message class' | 'group' | 'prefix',
    readonly name: string,
    readonly problem: string,
  ) {
    super(`The ${kind} ${JSON.stringify(name)} cannot be used on RabbitMQ: ${problem}; rename it`);
  }
}
