import { SmartMessageError } from '@smart-message/nestjs';

/**
 * The loopback broker did not answer: at startup within `connectTimeoutMs`, or on a publish
 * (nothing was sent). Names where the transport tried, what it was doing, the cause and the fix.
 */
export class LoopbackUnreachableError extends SmartMessageError {
  readonly code = 'SM_LOOPBACK_UNREACHABLE' as const;

  constructor(
    readonly address: string,
    /** What the transport was doing, e.g. `connecting` or `publishing OrderPlaced`. */
    readonly activity: string,
    /** The time it waited, when it waited. */
    readonly timeoutMs: number | undefined,
    options: { cause: unknown },
  ) {
    // Duck-typed: a socket error from another realm (a test sandbox) fails instanceof.
    const cause = options.cause as { code?: unknown; message?: unknown } | undefined;
    const detail = typeof cause?.code === 'string' ? cause.code : String(cause?.message ?? cause);
    super(
      `Could not reach the loopback broker at ${address} while ${activity} ` +
        `(${detail}${timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`}): ` +
        'start the broker, or pass the transport a broker that runs',
      options,
    );
  }
}
