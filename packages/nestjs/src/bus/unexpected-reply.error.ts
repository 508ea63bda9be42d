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
    /** The request was signed, and the reply's signature did not prove one of `accepted` sent it. */
    readonly unsigned = false,
  ) {
    super(
      `Refused a ${replyType} reply to request ${correlationId} from ${from === undefined ? 'an unnamed sender' : `"${from}"`}: ` +
        (unsigned
          ? `the request was signed, so its reply must be signed by ${accepted.map((name) => `"${name}"`).join(', ')} ` +
            'and verify against the trust store; this one does not'
          : `the request accepts replies only from ${accepted.map((name) => `"${name}"`).join(', ')} ` +
            '(its `to`, or the `replyFrom` request option when the responder is another entity)'),
    );
  }
}
