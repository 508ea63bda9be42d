import { SmartMessageError } from '@smart-message/nestjs';
import { connectionFailureMessage } from '@smart-message/nestjs/transport-kit';

/** Why a connection to RabbitMQ could not be opened. */
export type RabbitMqConnectionFailure = 'refused' | 'unknown-host' | 'auth' | 'vhost' | 'timeout' | 'unreachable';

const FIXES: Record<RabbitMqConnectionFailure, string> = {
  refused: 'nothing listens there: start RabbitMQ, or point `url` at the host and port it listens on',
  'unknown-host': 'the host name does not resolve: check the host in `url`',
  auth: 'RabbitMQ refused the credentials: check the user and password in `url` (the `guest` user may only connect from localhost)',
  vhost:
    'the virtual host does not exist or the user may not use it: check the vhost in `url` and the user’s permissions (rabbitmqctl list_permissions)',
  timeout:
    'RabbitMQ did not answer in time: check that host and port are reachable from this machine, or raise `connectTimeoutMs`',
  unreachable:
    'check that the host and port are reachable from this machine and that RabbitMQ accepts AMQP 0-9-1 connections there',
};

/**
 * The RabbitMQ transport could not connect at startup within `connectTimeoutMs`: names where it
 * tried (host, port), the cause, what it was doing and the fix.
 */
export class RabbitMqConnectionError extends SmartMessageError {
  readonly code = 'SM_RABBITMQ_CONNECTION_FAILED' as const;

  constructor(
    readonly endpoint: { host: string; port: number },
    readonly failure: RabbitMqConnectionFailure,
    /** What the transport was doing, e.g. `connecting the publisher`. */
    readonly activity: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      connectionFailureMessage({
        broker: 'RabbitMQ',
        endpoint,
        activity,
        failure,
        fix: FIXES[failure],
        timeoutMs,
        cause: options?.cause,
      }),
      options,
    );
  }
}
