import { SecurityRejectionError } from './security-rejection.error';

/** A signed message the handler already processed arrived again as a first delivery: a replay. */
export class MessageReplayedError extends SecurityRejectionError {
  readonly code = 'SM_MESSAGE_REPLAYED' as const;
  readonly event = 'sm_replay_detected' as const;
  readonly reason = 'replayed' as const;

  constructor(
    readonly handlerId: string,
    readonly from: string,
    readonly uuid: string,
  ) {
    super(`${handlerId} already processed message ${uuid} from "${from}": this copy is a replay and is refused`);
  }
}
