import { Envelope } from '../interfaces/envelope.interface';
import { MessageHeader } from '../interfaces/message-header.interface';
import { MessageSecurity, UNVERIFIED } from '../security/receive/message-security';

/** The second argument of a handler: where the message came from and how it reached this handler. */
export class MessageContext {
  constructor(
    readonly envelope: Envelope,
    /** Name of the configured transport that delivered the message. */
    readonly transport: string,
    /** 1 on first delivery; durable transports count redeliveries, and retries count up from there. */
    public attempt: number,
    /** `ClassName.methodName` for `@Subscribe` handlers. */
    readonly handlerId: string,
    /**
     * What was proven: `verified` when the signature checked out against the trust store (then
     * `from` and every signed header field are the signer's), `encrypted` when the chain decrypted.
     * A `from` filter or rule on an unverified message is routing, not security.
     */
    readonly security: MessageSecurity = UNVERIFIED,
  ) {}

  /** Whether the sender is proven by a signature (`security.verified`). */
  get verified(): boolean {
    return this.security.verified;
  }

  /**
   * The version that arrived, as the header says. The handler's message is of its class's
   * version: when the two differ, the payload was upcast (or read tolerantly) on the way in, and
   * the header, signature and deduplication key are still the original message's.
   */
  get originalVersion(): number {
    return this.envelope.header.version;
  }

  get header(): Readonly<MessageHeader> {
    return this.envelope.header;
  }
}
