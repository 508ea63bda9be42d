import { MessageType } from '../interfaces/message-type.interface';

/**
 * One message type a service publishes, for the AsyncAPI document's `send` operations: the
 * class, or the class with the reply it awaits when it sends it with `bus.request()`.
 */
export type PublishDeclaration = MessageType | { type: MessageType; replyType?: MessageType };
