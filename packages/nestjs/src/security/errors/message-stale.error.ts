import { SecurityRejectionError } from './security-rejection.error';

/** The signed send time lies outside the receiver's freshness window, in the past or the future: a replay of a captured message, or a clock out of step. */
export class MessageStaleError extends SecurityRejectionError {
  readonly code = 'SM_MESSAGE_STALE' as const;
  readonly event = 'sm_replay_stale' as const;
  readonly reason = 'replayed' as const;

  constructor(
    readonly sentAt: string | undefined,
    readonly windowMs: number,
    detail: string,
  ) {
    super(
      `The message was signed at ${sentAt ?? '(no time)'}, ${detail}, outside the freshness window of ±${windowMs} ms: refused as a possible replay; check the clocks (NTP) if senders are honest`,
    );
  }
}
