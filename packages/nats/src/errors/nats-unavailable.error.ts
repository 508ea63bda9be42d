import { SmartMessageError } from '@smart-message/nestjs';

/**
 * A publish could not be handed to NATS within `publishTimeoutMs`: the connection was away the
 * whole time, or (JetStream) no stream acknowledged it. The message was not sent, or for a
 * core publish whose flush failed, may not have been. `cause` is the last failure, if any.
 */
export class NatsUnavailableError extends SmartMessageError {
  readonly code = 'SM_NATS_UNAVAILABLE' as const;

  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    const detail = (options?.cause as { message?: unknown } | undefined)?.message;
    super(
      `NATS did not take the message within ${timeoutMs} ms` +
        `${typeof detail === 'string' ? ` (${detail})` : ''}: ` +
        'check the server, or raise `publishTimeoutMs` to ride out longer outages',
      options,
    );
  }
}
