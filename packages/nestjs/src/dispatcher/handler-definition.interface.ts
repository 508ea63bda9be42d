import type { MessagePolicy } from '../authorization/message-policy.interface';
import { MessageTypeMetadata } from '../catalog/message-type-metadata.interface';
import { MessageContext } from '../context/message-context';
import { SubscriptionFilter } from '../routing/subscription-filter';
import type { ReceivePolicy } from '../security/receive/receive-policy.interface';

/** A message handler as the dispatcher knows it: what it takes, which messages pass, how to call it. */
export interface HandlerDefinition {
  /** Unique id: `ClassName.methodName` for discovered handlers. */
  id: string;
  messageType: MessageTypeMetadata;
  filter: SubscriptionFilter;
  concurrency: number;
  /** Name of the configured transport the message type travels on. */
  transport: string;
  /** The bus's own listener for replies to its requests: dispatched like a handler, not listed as a route. */
  replyListener?: boolean;
  /** Decided at registration (own, module default or deny-by-default); none means no authorization step at all. */
  policy?: MessagePolicy;
  /** The subscription's receive policy, over its class's and the module's. */
  receive?: ReceivePolicy;
  /** The reply's type as `SubscribeOptions.replyType` declares it, for the catalog. */
  replyType?: MessageTypeMetadata;
  invoke(message: object, context: MessageContext): unknown;
}
