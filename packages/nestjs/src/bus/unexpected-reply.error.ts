import { SmartMessageError } from '../errors/smart-message.error';

/**
 * A reply carried the correlationId of a waiting request but came from a sender the request
 * does not accept: it was refused and the request still waits for its real reply.
 */
export class UnexpectedReplyError extends SmartMessageError {
  readonly code = 'SM_UNEXPECTED_REPLY' as const;

  constructor(
    readonly replyType: string,
    readonly correlationId: string,
    readonly from: string | undefined,
    readonly accepted: readonly string[],
  ) {
    super(
      `Refused a ${replyType} reply to request ${correlationId} from ${from === undefined ? 'an unnamed sender' : `"${from}"`}: ` +
        `the request accepts replies only from ${accepted.map((name) => `"${name}"`).join(', ')} ` +
        '(its `to`, or the `replyFrom` request option when the responder is another entity)',
    );
  }
}
