import { RabbitMqConnectionFailure } from '../errors/rabbitmq-connection.error';

/**
 * Names a failed connect from the socket's error code or amqplib's handshake message.
 * Duck-typed: amqplib rejects with plain Errors.
 */
export function classifyConnectionFailure(error: unknown): RabbitMqConnectionFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = String((error as { message?: unknown } | undefined)?.message ?? '');
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown-host';
    case 'ETIMEDOUT':
      return 'timeout';
  }
  if (/ACCESS[-_]REFUSED|403/.test(message)) return 'auth';
  if (/NOT[-_]ALLOWED|530|vhost/i.test(message)) return 'vhost';
  if (/timeout|timed out/i.test(message)) return 'timeout';
  return 'unreachable';
}

/** Failures that waiting cannot fix: startup gives up at once instead of retrying until the deadline. */
export function isPermanentFailure(failure: RabbitMqConnectionFailure): boolean {
  return failure === 'auth' || failure === 'vhost' || failure === 'unknown-host';
}

/** Failures that say nothing about why (a timeout, an unexplained drop): a specific one seen before says more. */
export function isInconclusiveFailure(failure: RabbitMqConnectionFailure): boolean {
  return failure === 'timeout' || failure === 'unreachable';
}
