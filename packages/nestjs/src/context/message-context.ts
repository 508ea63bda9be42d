import { Envelope } from '../interfaces/envelope.interface';
import { MessageHeader } from '../interfaces/message-header.interface';

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
  ) {}

  get header(): Readonly<MessageHeader> {
    return this.envelope.header;
  }
}
